# Behaviour of the committed fish completion: fish's own `complete -C LINE` lists what it offers.
source "$(dirname "${BASH_SOURCE[0]}")/common.bash"
script=$SOURCE_DIR/completions/dlqcat.fish

# offered LINE: the candidates (without their descriptions), one a line.
offered() {
  fish --no-config -c 'source $argv[1]; complete -C $argv[2]' "$script" "$1" | cut -f1
}

expect_exactly() {
  local line=$1 reply want
  shift
  reply=$(offered "$line")
  want=$(printf '%s\n' "$@")
  [ "$reply" = "$want" ] || fail "fish '$line': expected [$(oneline "$want")], got [$(oneline "$reply")]"
}

expect_exactly "dlqcat replay --ma" --max-attempts
expect_exactly "dlqcat compact-fix --strategy " compact skip
expect_exactly "dlqcat --color " always auto never
expect_exactly "dlqcat re" replay
expect_exactly "dlqcat completions " bash fish zsh
expect_exactly "dlqcat man" # hidden subcommand
# TOPIC arguments: the topics of the cluster named on the line.
start_broker orders.DLT:2 orders payments
expect_exactly "dlqcat -b $BROKERS consume-dlq -t " orders orders.DLT payments
expect_exactly "dlqcat replay --brokers=$BROKERS -t orders.DLT --to p" payments
expect_exactly "dlqcat -X socket.timeout.ms=2000 --brokers $BROKERS park --park-topic orders." orders.DLT
started=$SECONDS
expect_exactly "dlqcat -b 127.0.0.1:$(closed_port) consume-dlq -t "
((SECONDS - started <= 3)) || fail "fish topic completion against a closed port took $((SECONDS - started)) s"
# Every option of `dlqcat SUB --help` is offered after `dlqcat SUB -`.
for sub in $(help_subcommands); do
  reply=$(offered "dlqcat $sub -")
  for name in $(help_option_names "$sub"); do
    grep -qxF -- "$name" <<<"$reply" || fail "fish 'dlqcat $sub -': no $name"
  done
done
finish
