# Behaviour of the committed bash completion: source it, set COMP_WORDS/COMP_CWORD as bash
# would, call the completion function, look at COMPREPLY.
source "$(dirname "${BASH_SOURCE[0]}")/common.bash"
source "$SOURCE_DIR/completions/dlqcat.bash"

# complete WORD... : COMPREPLY for a command line whose last word is the one being completed.
complete_line() {
  COMP_WORDS=("$@")
  COMP_CWORD=$(($# - 1))
  COMPREPLY=()
  _dlqcat
  printf '%s\n' "${COMPREPLY[@]}"
}

# expect "LINE" WORD...: completing LINE offers at least the WORDs.
expect() {
  local line=$1
  shift
  local reply
  # shellcheck disable=SC2086 # the line is split into words as bash would
  reply=$(complete_line $line "${EXTRA_WORD-}")
  local word
  for word in "$@"; do
    grep -qxF -- "$word" <<<"$reply" || fail "'$line' + '${EXTRA_WORD-}': no $word in: $(oneline "$reply")"
  done
}

# expect_exactly "LINE" WORD...: completing LINE offers exactly the WORDs, in that order.
expect_exactly() {
  local line=$1
  shift
  local reply want
  # shellcheck disable=SC2086
  reply=$(complete_line $line "${EXTRA_WORD-}")
  want=$(printf '%s\n' "$@")
  [ "$reply" = "$want" ] || fail "'$line' + '${EXTRA_WORD-}': expected [$(oneline "$want")], got [$(oneline "$reply")]"
}

EXTRA_WORD=--ma expect "dlqcat replay" --max-attempts
EXTRA_WORD=--ma expect_exactly "dlqcat replay" --max-attempts
EXTRA_WORD='' expect_exactly "dlqcat compact-fix --strategy" compact skip
EXTRA_WORD=s expect_exactly "dlqcat compact-fix -t orders --strategy" skip
EXTRA_WORD='' expect_exactly "dlqcat --color" auto always never
# --color=al: bash splits the word at '='
EXTRA_WORD=al expect_exactly "dlqcat replay --color =" always
EXTRA_WORD='' expect_exactly "dlqcat completions" bash zsh fish
EXTRA_WORD=re expect_exactly "dlqcat" replay
EXTRA_WORD=rep expect_exactly "dlqcat -b 127.0.0.1:9092 -v" replay
EXTRA_WORD=sp expect_exactly "dlqcat consume-dlq --dialect" spring spring-retry
# Global options after the verb (dlqcat parses with fallthrough).
EXTRA_WORD=--col expect_exactly "dlqcat park" --color
# Free text (a group) offers nothing; the hidden man-options subcommand is never offered.
EXTRA_WORD='' expect_exactly "dlqcat consume-dlq -G"
EXTRA_WORD=ma expect_exactly "dlqcat"
# File arguments complete file names.
EXTRA_WORD="$SOURCE_DIR/completions/dlqcat.b" expect_exactly "dlqcat produce -l" "$SOURCE_DIR/completions/dlqcat.bash"

# TOPIC arguments: the topics of the cluster named on the line (COMP_LINE, as bash sets it).
start_broker orders.DLT:2 orders payments
topics_line() {
  COMP_LINE="$1 $2"
  COMP_POINT=${#COMP_LINE}
  EXTRA_WORD=$2 expect_exactly "$1" "${@:3}"
}
topics_line "dlqcat -b $BROKERS consume-dlq -t" "" orders orders.DLT payments
topics_line "dlqcat -b $BROKERS consume-dlq -t" "or" orders orders.DLT
topics_line "dlqcat replay -t orders.DLT --brokers $BROKERS --to" "p" payments
topics_line "dlqcat --brokers=$BROKERS -X socket.timeout.ms=2000 park -t orders.DLT --park-topic" "orders." orders.DLT
# The broker from the environment, as every command takes it.
DLQCAT_BROKERS=$BROKERS topics_line "dlqcat inspect-headers --original-topic" "pay" payments
# A cluster that does not answer: no candidates, no noise, and the shell gets its prompt back
# well within the 1 s timeout plus start-up.
started=$SECONDS
topics_line "dlqcat -b 127.0.0.1:$(closed_port) consume-dlq -t" ""
((SECONDS - started <= 3)) || fail "topic completion against a closed port took $((SECONDS - started)) s"
topics_line "dlqcat consume-dlq -t" "" # no broker anywhere
unset COMP_LINE COMP_POINT

# Every option `dlqcat SUB --help` lists is offered after `dlqcat SUB -`, and every subcommand
# after `dlqcat`.
for sub in $(help_subcommands); do
  mapfile -t names < <(help_option_names "$sub")
  ((${#names[@]} > 0)) || fail "$sub --help lists no options"
  EXTRA_WORD=- expect "dlqcat $sub" "${names[@]}"
done
mapfile -t subs < <(help_subcommands)
((${#subs[@]} >= 8)) || fail "dlqcat --help lists only ${#subs[@]} subcommands"
EXTRA_WORD='' expect "dlqcat" "${subs[@]}"
finish
