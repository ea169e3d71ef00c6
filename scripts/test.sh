#!/usr/bin/env bash
# Installs what is missing, builds dlqcat and runs every test (unit, integration, e2e).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${BUILD_DIR:-$root/build}
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
cd "$build_dir"
ctest --output-on-failure -j 2 "$@"
