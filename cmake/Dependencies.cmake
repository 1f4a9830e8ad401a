# Every dependency comes from a Debian 12 package (see README "Dependencies").
find_package(CLI11 CONFIG REQUIRED)
find_package(nlohmann_json 3.11 CONFIG REQUIRED)
find_package(spdlog CONFIG REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(LIBEVTX REQUIRED IMPORTED_TARGET libevtx)
pkg_check_modules(LIBFSNTFS REQUIRED IMPORTED_TARGET libfsntfs)
pkg_check_modules(LIBREGF REQUIRED IMPORTED_TARGET libregf)
pkg_check_modules(LIBFWNT REQUIRED IMPORTED_TARGET libfwnt)
pkg_check_modules(YARA REQUIRED IMPORTED_TARGET yara)
pkg_check_modules(PUGIXML REQUIRED IMPORTED_TARGET pugixml)
pkg_check_modules(LIBBFIO REQUIRED IMPORTED_TARGET libbfio)
pkg_check_modules(LIBSCCA REQUIRED IMPORTED_TARGET libscca)  # Windows Prefetch files
# The libyal libraries, in the one order every binary links them. Each .so carries its own
# copy of the libyal helpers it uses (libcdata, libfdata, libfcache, libuna, libfwnt, ...)
# and exports them, so the dynamic linker binds each call to the copy of the first .so in
# this order that defines the function. The copies differ between releases, so the order
# changes behaviour: with libevtx 20181227 first, libregf 20201007 reads every big-data value
# (ShimCache on a real SYSTEM) as empty; with libscca before libevtx, libevtx loses records.
# This order is the one the whole suite passes with; tests/integration/test_registry_cli.cpp
# checks a big-data value through the binary, the evtx tests libevtx's records.
add_library(sqltriage_libyal INTERFACE)
target_link_libraries(sqltriage_libyal INTERFACE PkgConfig::LIBFSNTFS PkgConfig::LIBFWNT
                      PkgConfig::LIBREGF PkgConfig::LIBBFIO PkgConfig::LIBEVTX PkgConfig::LIBSCCA)
find_package(ZLIB REQUIRED)
find_package(SQLite3 REQUIRED)  # NSRL RDS v3 hash sets
find_package(simdjson 3 CONFIG REQUIRED)  # CloudTrail records, parsed on demand
# libfuzzy (ssdeep) and libtlsh ship no .pc and no CMake config.
find_library(FUZZY_LIB fuzzy REQUIRED)
find_path(FUZZY_INC fuzzy.h REQUIRED)
find_library(TLSH_LIB tlsh REQUIRED)
find_path(TLSH_INC tlsh.h REQUIRED)
# tcmalloc (gperftools): libevtx builds a tree of small allocations for every record, and
# glibc's malloc/free took ~45% of the CPU of a scan; tcmalloc halves the scan's time.
# Off for sanitizer and valgrind builds, which bring their own allocator (the debug preset).
option(SQLTRIAGE_TCMALLOC "Link the sqltriage binary with tcmalloc" ON)
if(SQLTRIAGE_TCMALLOC)
  pkg_check_modules(TCMALLOC REQUIRED IMPORTED_TARGET libtcmalloc_minimal)
endif()
if(SQLTRIAGE_BUILD_TESTS)
  find_package(Catch2 2 CONFIG REQUIRED)
endif()
