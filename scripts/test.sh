#!/usr/bin/env bash
# Installs what is missing, then builds dlqcat and runs every test, three ways:
#   build/       the normal build: unit, integration and e2e suites (kcat, python, PostgreSQL), and
#                the suites on real Apache Kafka (label realkafka: one cluster for the run,
#                scripts/kafka.sh; REALKAFKA=0 leaves them out), Kafka Connect's among them
#                (label connect: a worker per suite, scripts/connect.sh; CONNECT=0 leaves it out)
#   build-asan/  the same suites under AddressSanitizer + UndefinedBehaviorSanitizer, but not
#                the real-Kafka ones (they ran once above; their JVMs are the slow part)
#   build-fuzz/  each libFuzzer target over its corpus, then a few seconds of fuzzing (clang)
# Locally, SANITIZE=0 or FUZZ=0 skips a stage; CI runs all three. Extra arguments go to ctest.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/scripts/install-deps.sh"

stage() { echo "=== $*" >&2; }

stage "normal build and tests"
BUILD_DIR=${BUILD_DIR:-$root/build} "$root/scripts/build.sh"
real_kafka=()
if [ "${REALKAFKA:-1}" = 0 ]; then
  real_kafka=(-LE realkafka)
elif [ "${CONNECT:-1}" = 0 ]; then
  real_kafka=(-LE connect)
fi
ctest --test-dir "${BUILD_DIR:-$root/build}" --output-on-failure -j 2 "${real_kafka[@]}" "$@"

if [ "${SANITIZE:-1}" != 0 ]; then
  stage "ASan + UBSan build and tests"
  # -O1 -g1 (line tables), as the sanitizers' documentation suggests: GCC builds the instrumented
  # code about 1.6x faster than at -O2 -g (cmd/replay.cpp: 113 s -> 58 s), and reports keep
  # function, file and line.
  BUILD_DIR="$root/build-asan" "$root/scripts/build.sh" -DDLQ_SANITIZE_ADDRESS=ON -DDLQ_SANITIZE_UNDEFINED=ON \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG"
  # Leaks inside librdkafka's own threads at exit are not ours: see tests/lsan.supp for each one.
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    LSAN_OPTIONS=suppressions="$root/tests/lsan.supp":print_suppressions=0 \
    ctest --test-dir "$root/build-asan" --output-on-failure -j 2 -LE realkafka "$@"
fi

if [ "${FUZZ:-1}" != 0 ]; then
  stage "fuzz targets: corpus + smoke run"
  CC=clang-14 CXX=clang++-14 cmake -S "$root" -B "$root/build-fuzz" -DDLQ_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$root/build-fuzz" -j "$(nproc)"
  ctest --test-dir "$root/build-fuzz" --output-on-failure -j 2
fi
