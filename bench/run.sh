#!/usr/bin/env bash
# dlqcat benchmarks in one command: builds a Release dlqcat and the librdkafka C floors, starts
# the embedded broker (or real Kafka), loads W1/W2/W3 and prints a table of medians
# (docs/BENCHMARKS.md).
#
#   bench/run.sh [-n RUNS] [--quick] [--only REGEX] [--json FILE] [--broker embedded|real|both]
#   bench/run.sh --check    only compile the C floors (-Werror) and byte-compile the Python
#                           scripts, so that bench/ does not rot (seconds, no broker)
#
#   -n RUNS      runs per contender (default 5); the median is reported
#   --quick      3 runs
#   --only RE    only the contenders whose "wN read|replay name" matches RE (for profiling work)
#   --json FILE  also write every sample as JSON (with --broker both: FILE.embedded, FILE.real)
#   --broker B   embedded (default): `dlqcat broker`; real: a one-node Apache Kafka of its own
#                (scripts/kafka.sh, data in BENCH_BUILD_DIR/kafka, stopped at the end); both: one
#                after the other
# BENCH_BUILD_DIR (default build-bench) is the build directory; tests are not built there.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${BENCH_BUILD_DIR:-$root/build-bench}

runs=5
check_only=false
harness_args=()
brokers=(embedded)
json=''

while [ $# -gt 0 ]; do
  case $1 in
    -n) runs=$2; shift 2 ;;
    --quick) runs=3; shift ;;
    --check) check_only=true; shift ;;
    --only) harness_args+=("$1" "$2"); shift 2 ;;
    --json) json=$2; shift 2 ;;
    --broker)
      case $2 in
        embedded|real) brokers=("$2") ;;
        both) brokers=(embedded real) ;;
        *) echo "bench/run.sh: --broker: embedded, real or both, not \"$2\"" >&2; exit 2 ;;
      esac
      shift 2 ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/run.sh: unknown option \"$1\" (see --help)" >&2; exit 2 ;;
  esac
done

"$root/scripts/install-deps.sh"
mkdir -p "$build_dir/bench"
# -O3, as CMake's Release build of dlqcat: GCC vectorises the floor's byte-reading loop only there.
for tool in floor_consume floor_copy measure; do
  # shellcheck disable=SC2046 # pkg-config prints several words on purpose
  cc -O3 -Wall -Wextra -Werror -std=c11 "$root/bench/$tool.c" -o "$build_dir/bench/$tool" \
    $(pkg-config --cflags --libs rdkafka)
done
if $check_only; then
  /usr/bin/python3 -m py_compile "$root"/bench/*.py
  rm -rf "$root/bench/__pycache__"
  echo "bench: floors and scripts compile" >&2
  exit 0
fi
echo "bench: building Release dlqcat in $build_dir" >&2
cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DDLQ_ENABLE_TESTS=OFF >/dev/null
cmake --build "$build_dir" -j "$(nproc)" --target dlqcat >/dev/null

for broker in "${brokers[@]}"; do
  extra=()
  if [ -n "$json" ] && [ ${#brokers[@]} -gt 1 ]; then
    extra+=(--json "$json.$broker")
  elif [ -n "$json" ]; then
    extra+=(--json "$json")
  fi
  /usr/bin/python3 "$root/bench/bench.py" --dlqcat "$build_dir/cmd/dlqcat" \
    --floor-consume "$build_dir/bench/floor_consume" --floor-copy "$build_dir/bench/floor_copy" \
    --measure "$build_dir/bench/measure" --broker "$broker" --kafka-sh "$root/scripts/kafka.sh" \
    --kafka-dir "$build_dir/kafka" --runs "$runs" "${harness_args[@]}" "${extra[@]}"
done
