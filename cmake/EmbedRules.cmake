# embed_rules(<target> <folder>): compiles every <folder>/*.yar into <target> as one registry,
#   sqltriage::yara::embedded::rule_files() -> std::span<const EmbeddedRuleFile>
# ({"rules/<file>", text} in file-name order; see src/artifacts/yara/embedded_rules.hpp).
# The glob is re-checked at every build (CONFIGURE_DEPENDS) and the file names are part of
# the generating command, so an added, removed or edited rule file regenerates the registry.
# An empty or missing folder gives an empty registry.
function(embed_rules target folder)
  file(GLOB rule_paths CONFIGURE_DEPENDS "${folder}/*.yar")
  list(SORT rule_paths)
  set(names "")
  foreach(path IN LISTS rule_paths)
    get_filename_component(name "${path}" NAME)
    string(APPEND names "${name}|")
  endforeach()
  set(out "${CMAKE_CURRENT_BINARY_DIR}/embedded_rules.cpp")
  add_custom_command(
    OUTPUT "${out}"
    COMMAND ${CMAKE_COMMAND} "-DDIR=${folder}" "-DNAMES=${names}" "-DOUT=${out}"
            -P "${PROJECT_SOURCE_DIR}/cmake/EmbedRulesScript.cmake"
    DEPENDS ${rule_paths} "${PROJECT_SOURCE_DIR}/cmake/EmbedRulesScript.cmake"
    COMMENT "Embedding the YARA rules of ${folder}"
    VERBATIM)
  target_sources(${target} PRIVATE "${out}")
endfunction()
