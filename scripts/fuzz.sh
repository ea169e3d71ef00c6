#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) in build-fuzz and fuzzes them.
#   scripts/fuzz.sh                  every target, 600 s each, one after the other
#   scripts/fuzz.sh TARGET [SECONDS] one target (names: ls fuzz/*.cpp)
# New inputs are kept in build-fuzz/fuzz/scratch-TARGET; crashes are written as crash-* files in
# the current directory. A crash is fixed in lib/, and its input added to fuzz/corpus/.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${BUILD_DIR:-$root/build-fuzz}
seconds=${2:-600}
CC=clang-14 CXX=clang++-14 cmake -S "$root" -B "$build_dir" -DDLQ_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build_dir" -j "$(nproc)"
if [ $# -ge 1 ]; then
  targets=("$1")
else
  mapfile -t targets < <(cd "$build_dir/fuzz" && ls fuzz_* | grep -v '\.' )
fi
export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
for target in "${targets[@]}"; do
  corpus="$root/fuzz/corpus/$target"
  [ -d "$corpus" ] || corpus="$root/fuzz/corpus/dialect"
  scratch="$build_dir/fuzz/scratch-$target"
  mkdir -p "$scratch"
  echo "== $target: $seconds s" >&2
  "$build_dir/fuzz/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    "$scratch" "$corpus"
done
