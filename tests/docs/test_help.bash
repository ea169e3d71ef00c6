# `dlqcat [SUB] --help`: every option and positional has a one-line description, and options
# with a default show it (CLI11 prints NAME TYPE=DEFAULT when capture_default_str() is set).
source "$(dirname "${BASH_SOURCE[0]}")/common.bash"

# Lines of the Options and Positionals sections whose entry has no description text. CLI11 pads
# the name to 30 columns and starts the description at column 31, or on the next line indented
# by 30 when the name does not fit.
undescribed() {
  "$DLQCAT" "$@" --help | awk '
    function check() { if (pending != "" && !described) print pending }
    /^(Options|Positionals):/ { check(); pending = ""; on = 1; next }
    /^[^ ]/ { check(); pending = ""; on = 0; next }
    !on { next }
    /^  [^ ]/ {
      check()
      pending = $0
      described = length($0) > 30 && substr($0, 30, 1) == " " && substr($0, 31, 1) != " "
      next
    }
    substr($0, 1, 30) ~ /^ +$/ && substr($0, 31, 1) ~ /[^ ]/ { described = 1; next }
    END { check() }'
}

mapfile -t subs < <(help_subcommands)
((${#subs[@]} >= 8)) || fail "dlqcat --help lists only ${#subs[@]} subcommands"
for sub in "" "${subs[@]}"; do
  # shellcheck disable=SC2086 # "" = the program's own help
  while IFS= read -r line; do
    fail "dlqcat ${sub:+$sub }--help: no description: $line"
  done < <(undescribed $sub)
  count=$(help_option_names $sub | wc -l)
  ((count > 0)) || fail "dlqcat ${sub:+$sub }--help lists no options"
done

# expect_default SUB OPTION DEFAULT: the help line of OPTION ends its name part with =DEFAULT.
expect_default() {
  local sub=$1 option=$2 default=$3 line
  # shellcheck disable=SC2086
  line=$("$DLQCAT" $sub --help | grep -E -- "^  (-[A-Za-z],)?$option( |$)")
  [[ $line == *"=$default"* ]] || fail "dlqcat ${sub:+$sub }--help: $option does not show its default $default: $line"
}
expect_default "" --color auto
expect_default replay --max-attempts 3
# --retry-header's default depends on the record: said in words.
line=$("$DLQCAT" replay --help | grep -E -- "^  --retry-header")
[[ $line == *"default x-retries; retry_topic-attempts on Spring retry-topic records"* ]] ||
  fail "dlqcat replay --help: --retry-header does not say its defaults: $line"
expect_default produce -D '\n'
expect_default broker --brokers 1
expect_default compact-fix --timeout 300
expect_default compact-fix --segment-ms 1000
finish
