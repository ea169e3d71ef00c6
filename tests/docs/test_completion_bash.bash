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
# Free text (a topic) offers nothing; the hidden man-options subcommand is never offered.
EXTRA_WORD='' expect_exactly "dlqcat consume-dlq -t"
EXTRA_WORD=ma expect_exactly "dlqcat"
# File arguments complete file names.
EXTRA_WORD="$SOURCE_DIR/completions/dlqcat.b" expect_exactly "dlqcat produce -l" "$SOURCE_DIR/completions/dlqcat.bash"

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
