# Behaviour of the committed zsh completion in a real interactive zsh (driven through zpty).
source "$(dirname "${BASH_SOURCE[0]}")/common.bash"
harness=$(dirname "${BASH_SOURCE[0]}")/zsh_complete.zsh

# expect LINE REGEX...: after LINE + TAB TAB the terminal shows every REGEX (extended); each
# must match text that LINE itself does not contain.
expect() {
  local line=$1 out word
  shift
  out=$(timeout 20 zsh -f "$harness" "$SOURCE_DIR/completions" "$line" 2>&1)
  for word in "$@"; do
    grep -qE -- "$word" <<<"$out" || fail "zsh '$line': no $word in: $out"
  done
}

expect "dlqcat replay --max-a" "--max-attempts"
expect "dlqcat compact-fix --strategy " "compact +skip"
expect "dlqcat --color " auto always never
expect "dlqcat compl" "dlqcat completions"
expect "dlqcat consume-dlq --dialect spring-" "spring-retry"
# TOPIC arguments: the topics of the cluster named on the line (global options before the
# subcommand, which zsh's _arguments has already consumed by then, and after it).
start_broker orders.DLT:2 orders payments
expect "dlqcat -b $BROKERS consume-dlq -t " "orders +orders\.DLT +payments"
expect "dlqcat replay -t orders.DLT --brokers $BROKERS --to pay" "--to payments"
finish
