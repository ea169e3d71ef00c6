# Settings linked PRIVATE by every dlqcat target (ccache's StandardSettings idea).
add_library(dlq_settings INTERFACE)
if(DLQ_SANITIZE_ADDRESS)
  target_compile_options(dlq_settings INTERFACE -fsanitize=address -fno-omit-frame-pointer)
  target_link_options(dlq_settings INTERFACE -fsanitize=address)
endif()
if((DLQ_SANITIZE_ADDRESS OR DLQ_SANITIZE_UNDEFINED) AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # GCC's sanitizer instrumentation makes -Wmaybe-uninitialized report false positives inside
  # libstdc++ (std::regex internals, GCC 12); the normal build keeps the warning.
  target_compile_options(dlq_settings INTERFACE -Wno-maybe-uninitialized)
endif()
if(DLQ_SANITIZE_UNDEFINED)
  target_compile_options(dlq_settings INTERFACE -fsanitize=undefined -fno-sanitize-recover=undefined)
  target_link_options(dlq_settings INTERFACE -fsanitize=undefined)
endif()
if(DLQ_FUZZ)
  # Coverage for libFuzzer and both sanitizers on everything the targets link.
  target_compile_options(dlq_settings INTERFACE -fsanitize=fuzzer-no-link,address,undefined
                                                -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  target_link_options(dlq_settings INTERFACE -fsanitize=address,undefined)
endif()
