# Helpers for the documentation checks. Environment: DLQCAT = the binary under test,
# SOURCE_DIR = the source tree (completions/, man/).
set -o pipefail
: "${DLQCAT:?DLQCAT must point at the dlqcat binary}"
: "${SOURCE_DIR:?SOURCE_DIR must point at the source tree}"

failures=0
fail() {
  echo "FAILED: $*" >&2
  failures=$((failures + 1))
}
finish() {
  if ((failures > 0)); then
    echo "$failures check(s) failed" >&2
    exit 1
  fi
  echo "all checks passed"
}

# The visible subcommands, as `dlqcat --help` lists them.
help_subcommands() {
  "$DLQCAT" --help | awk '/^Subcommands:/ { on = 1; next } /^[^ ]/ { on = 0 } on && /^  [a-z]/ { print $1 }'
}

# Every option spelling in the Options section of `dlqcat [SUB] --help`, one a line.
help_option_names() {
  "$DLQCAT" "$@" --help | awk '
    /^Options:/ { on = 1; next }
    /^[^ ]/ { on = 0 }
    on && /^  -/ { n = split($1, names, ","); for (i = 1; i <= n; i++) print names[i] }'
}

# Lines joined with spaces, for one-line failure messages.
oneline() { tr '\n' ' ' <<<"$1"; }
