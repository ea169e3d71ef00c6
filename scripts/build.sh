#!/usr/bin/env bash
# Configures and builds dlqcat in BUILD_DIR (default: build). Extra arguments go to cmake.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${BUILD_DIR:-$root/build}
warnings=OFF
if [ "${CI:-}" = "true" ]; then
  warnings=ON
fi
cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" \
  -DDLQ_WARNINGS_AS_ERRORS="$warnings" "$@" >/dev/null
cmake --build "$build_dir" -j "$(nproc)"
