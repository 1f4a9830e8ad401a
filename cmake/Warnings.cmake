# Project-wide warning flags; CI turns them into errors with SQLTRIAGE_WERROR=ON.
add_library(sqltriage_warnings INTERFACE)
target_compile_options(sqltriage_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow
                       $<$<BOOL:${SQLTRIAGE_WERROR}>:-Werror>)
# g++ 12 reports -Wrestrict on plain std::string concatenation once inlined at -O2/-O3
# (GCC bugs 105329 and 105651, fixed in g++ 13); the warning is off for that compiler only.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_GREATER_EQUAL 12
   AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(sqltriage_warnings INTERFACE -Wno-restrict)
endif()
