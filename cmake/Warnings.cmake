add_library(dlq_warnings INTERFACE)
target_compile_options(dlq_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align -Woverloaded-virtual
  -Wnull-dereference -Wimplicit-fallthrough)
if(DLQ_WARNINGS_AS_ERRORS)
  target_compile_options(dlq_warnings INTERFACE -Werror)
endif()
