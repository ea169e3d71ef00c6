# Debian 12 ships CMake packages for CLI11, doctest, nlohmann_json and fmt, and only
# pkg-config files for librdkafka, libpqxx and re2; libcurl comes with CMake's FindCURL.
find_package(PkgConfig REQUIRED)
find_package(CLI11 CONFIG REQUIRED)
find_package(nlohmann_json CONFIG REQUIRED)
find_package(fmt CONFIG REQUIRED)
find_package(Threads REQUIRED)
find_package(CURL REQUIRED)
# simdjson (On-Demand): the envelope dialect reads every headerless record's JSON with it.
find_package(simdjson CONFIG REQUIRED)
pkg_check_modules(RDKAFKA REQUIRED IMPORTED_TARGET rdkafka)
pkg_check_modules(PQXX REQUIRED IMPORTED_TARGET libpqxx)
# RE2 (--exception): linear-time matching that never recurses on the input.
pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)
if(DLQ_ENABLE_TESTS)
  find_package(doctest CONFIG REQUIRED)
endif()
