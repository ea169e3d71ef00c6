#!/usr/bin/env bash
# Installs what is missing, builds dlqcat and runs its demo on the embedded broker.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
exec "${BUILD_DIR:-$root/build}/cmd/dlqcat" demo
