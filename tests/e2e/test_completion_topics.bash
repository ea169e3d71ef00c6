# The completions' live topic lookup (`dlqcat completions --topics`, run by the bash script to
# complete a TOPIC) against the cluster named on the command line. On a shared cluster the topics
# of this suite share a unique prefix; internal topics (__consumer_offsets, which a group commit
# creates on real Kafka) are never offered. tests/docs checks the zsh and fish scripts too.
# test-bed: embedded real
source "${E2E_DIR:-$(dirname "$0")}/common.bash"
p=$(unique_topic cmpl)
start_broker --topic "$p-orders.DLT:2" --topic "$p-orders:1" --topic "$p-payments:1"
PATH=$(dirname "$DLQCAT"):$PATH # the scripts run `dlqcat`
# A group commit, so that the cluster holds __consumer_offsets.
echo x | "$DLQCAT" produce -q -b "$BROKERS" -t "$p-payments"
"$DLQCAT" consume-dlq -q -b "$BROKERS" -t "$p-payments" -G "$p-group" -e -f '%s\n' -X session.timeout.ms=6000 >/dev/null

TEST "completions --topics lists the cluster's topics, internal ones left out"
dlqcat -b "$BROKERS" completions --topics >"$WORK/topics"
expect_equal "$(grep -F -- "$p-" "$WORK/topics" || true)" "$(printf '%s\n' "$p-orders" "$p-orders.DLT" "$p-payments")" "this suite's topics"
expect_equal "$(grep '^__' "$WORK/topics" || true)" "" "internal topics offered"
if real_kafka; then
  kcat -L -b "$BROKERS" -t __consumer_offsets -J | jq -e '.topics[0].partitions | length > 0' >/dev/null ||
    fail "no __consumer_offsets on the cluster: the check above proves nothing"
fi

# complete_topic "LINE" WORD: what the bash script offers for WORD at the end of LINE.
complete_topic() (
  # shellcheck source=/dev/null
  source "$REPO_ROOT/completions/dlqcat.bash"
  COMP_LINE="$1 $2"
  COMP_POINT=${#COMP_LINE}
  read -r -a COMP_WORDS <<<"$1"
  COMP_WORDS+=("$2")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMPREPLY=()
  _dlqcat
  printf '%s\n' "${COMPREPLY[@]}"
)

TEST "bash completes -t, --to and --park-topic from the cluster named with -b or --brokers"
expect_equal "$(complete_topic "dlqcat -b $BROKERS consume-dlq -t" "$p-")" \
  "$(printf '%s\n' "$p-orders" "$p-orders.DLT" "$p-payments")" "consume-dlq -t"
expect_equal "$(complete_topic "dlqcat -b $BROKERS consume-dlq -t" "$p-or")" \
  "$(printf '%s\n' "$p-orders" "$p-orders.DLT")" "consume-dlq -t (a longer prefix)"
expect_equal "$(complete_topic "dlqcat replay -t $p-orders.DLT --brokers $BROKERS --to" "$p-p")" "$p-payments" "replay --to"
expect_equal "$(complete_topic "dlqcat --brokers=$BROKERS park -t $p-orders.DLT --park-topic" "$p-orders.")" \
  "$p-orders.DLT" "park --park-topic"
expect_equal "$(DLQCAT_BROKERS=$BROKERS complete_topic "dlqcat inspect-headers -t" "$p-pay")" "$p-payments" \
  "the cluster from DLQCAT_BROKERS"
