# Script mode helper of EmbedRules.cmake: writes the files NAMES ("a.yar|b.yar|") of DIR into
# OUT as byte arrays and a registry of {"rules/<name>", text}, in the order given.
string(REPLACE "|" ";" names "${NAMES}")
set(arrays "")
set(entries "")
set(index 0)
foreach(name IN LISTS names)
  if(name STREQUAL "")
    continue()
  endif()
  file(READ "${DIR}/${name}" hex HEX)
  string(LENGTH "${hex}" hexlen)
  math(EXPR size "${hexlen} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(APPEND arrays "static const unsigned char file_${index}[] = {${bytes} 0x00};\n")
  string(REPLACE "\\" "\\\\" cname "${name}")
  string(REPLACE "\"" "\\\"" cname "${cname}")
  string(APPEND entries "    {\"rules/${cname}\",\n"
                        "     std::string_view(reinterpret_cast<const char*>(file_${index}), ${size})},\n")
  math(EXPR index "${index} + 1")
endforeach()
if(index EQUAL 0)
  set(body "std::span<const EmbeddedRuleFile> rule_files() { return {}; }\n")
else()
  string(CONCAT body "static const EmbeddedRuleFile kFiles[] = {\n${entries}};\n"
         "std::span<const EmbeddedRuleFile> rule_files() { return kFiles; }\n")
endif()
file(WRITE "${OUT}.tmp" "// Generated from the YARA rule files of ${DIR}; do not edit.\n"
  "#include \"artifacts/yara/embedded_rules.hpp\"\n"
  "namespace sqltriage::yara::embedded {\n" "${arrays}" "${body}" "}\n")
file(RENAME "${OUT}.tmp" "${OUT}")
