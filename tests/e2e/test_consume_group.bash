# consume-dlq -G reads in a consumer group and commits only what it has written out: a run cut
# short by -c leaves the rest to the next run, nothing read twice, nothing skipped. The python
# peer reads the group's committed offsets.
# test-bed: embedded real
source "${E2E_DIR:-$(dirname "$0")}/common.bash"
require_python_kafka
dlq=$(unique_topic dlq)
group=$(unique_topic readers)
start_broker --topic "$dlq:3"

seq 1 300 | sed 's/.*/k&,v&/' | "$DLQCAT" produce -q -b "$BROKERS" -t "$dlq" -K , --dialect spring \
  --original orders:0@1 --error-class java.lang.IllegalStateException
# committed_sum: the sum of the group's committed offsets over the partitions (none: 0).
committed_sum() {
  "$PY" "$E2E_DIR/peer.py" committed "$BROKERS" "$group" "$dlq" | awk -F: '$2 > 0 {n += $2} END {print n + 0}'
}
read_group() { "$DLQCAT" consume-dlq -b "$BROKERS" -t "$dlq" -G "$group" -e -f '%k\n' -X session.timeout.ms=6000 "$@"; }

TEST "-c 100 in a group: 100 records written, exactly those committed"
read_group -c 100 >"$WORK/first"
expect_equal "$(wc -l <"$WORK/first")" 100 "records written"
expect_equal "$(committed_sum)" 100 "records committed"

TEST "the next run in the group reads the other 200: nothing twice, nothing skipped"
read_group >"$WORK/second"
expect_equal "$(wc -l <"$WORK/second")" 200 "records written"
expect_equal "$(sort "$WORK/first" "$WORK/second" | uniq -d)" "" "keys read twice"
expect_equal "$(sort -u "$WORK/first" "$WORK/second")" "$(seq 1 300 | sed 's/^/k/' | sort)" "the keys"
expect_equal "$("$PY" "$E2E_DIR/peer.py" committed "$BROKERS" "$group" "$dlq" | awk -F: '{n += $2} END {print n}')" 300 \
  "committed offsets (the end of every partition)"

TEST "a run after the end reads nothing; without -G nothing is committed"
expect_equal "$(read_group | wc -l)" 0 "records after the end"
other=$(unique_topic nobody)
"$DLQCAT" consume-dlq -b "$BROKERS" -t "$dlq" -e -f '%k\n' -X group.id="$other" >/dev/null
expect_equal "$("$PY" "$E2E_DIR/peer.py" committed "$BROKERS" "$other" "$dlq" | tr '\n' ' ')" "0:-1001 1:-1001 2:-1001 " \
  "offsets committed by a read without -G"
