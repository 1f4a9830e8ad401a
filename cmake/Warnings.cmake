# Project-wide warning flags; CI turns them into errors with SQLTRIAGE_WERROR=ON.
add_library(sqltriage_warnings INTERFACE)
target_compile_options(sqltriage_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow
                       $<$<BOOL:${SQLTRIAGE_WERROR}>:-Werror>)
