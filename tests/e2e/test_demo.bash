# The README's first command ends in `dlqcat demo`: it must finish in seconds with exit 0 and show
# decoded errors, a summary and a replay.
source "${E2E_DIR:-$(dirname "$0")}/common.bash"

TEST "demo runs the tour on its embedded broker"
start=$(date +%s)
timeout 120 "$DLQCAT" demo >"$WORK/demo.out" 2>&1 || fail "demo failed: $(tail -5 "$WORK/demo.out")"
[ $(($(date +%s) - start)) -lt 60 ] || fail "demo took more than a minute"
out=$(cat "$WORK/demo.out")
expect_contains "$out" "  error:   org.apache.kafka.connect.errors.DataException: Converting byte[] to Kafka Connect data failed"
expect_contains "$out" "  origin:  person [0] @ 1"
expect_contains "$out" "orders-dlt [2] @ 0  org.springframework.kafka.listener.ListenerExecutionFailedException  from orders [1] @ 42"
expect_contains "$out" "7 records, 4 groups, 0 without decodable error headers"
expect_contains "$out" "kafka_dlt-original-offset = 42 (int64, spring)"
expect_contains "$out" "3 read: 2 replayed, 1 parked, 0 skipped, 0 failed, 0 filtered out"
expect_contains "$out" 'so8400out  msg-2  spring_json_header_types={"x-retries":"java.lang.Integer"},x-retries=3'
expect_contains "$out" "error.so8400out.so8400.parking-lot  msg-3  org.springframework.messaging.MessagingException (attempts 3)"
