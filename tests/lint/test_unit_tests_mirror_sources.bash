#!/usr/bin/env bash
# Unit tests mirror sources (issue 21, shared/STYLE.md §6): tests/unit/test_<folder>_<file>.cpp
# tests lib/<folder>/<file>.{cpp,hpp}, test_cmd_<file>.cpp tests cmd/<file>.cpp, and
# test_<file>.cpp a file at lib/'s top. The allow-list names the tests that are not about one
# source: golden records the frameworks wrote, run through every dialect.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
allowed=(test_dialect_connect_golden.cpp test_peer_fixtures.cpp)
status=0
for path in tests/unit/test_*.cpp; do
  test=$(basename "$path")
  if [[ " ${allowed[*]} " == *" $test "* ]]; then
    continue
  fi
  name=${test#test_}
  name=${name%.cpp}
  if [ "$name" != "${name#cmd_}" ]; then
    candidates=("cmd/${name#cmd_}")
  else
    candidates=("lib/$name" "lib/${name/_//}")
  fi
  found=false
  for source in "${candidates[@]}"; do
    if [ -e "$source.cpp" ] || [ -e "$source.hpp" ]; then
      found=true
    fi
  done
  if ! $found; then
    echo "$path: no lib/<folder>/<file> or cmd/<file> of that name (test_<folder>_<file>.cpp)" >&2
    status=1
  fi
done
for test in "${allowed[@]}"; do
  [ -e "tests/unit/$test" ] || { echo "$test is gone: take it off the allow-list in $0" >&2; status=1; }
done
exit $status
