# Proof 3 of issue 17: reads by time on real Kafka, where ListOffsets answers offsets by timestamp
# (the embedded broker answers only earliest/latest). The Java client's offsetsForTimes is the
# reference for -o s@MS; e@MS and --since/--until are checked against the records' timestamps.
source "${E2E_DIR:-$(dirname "$0")/../e2e}/common.bash"
require_real_kafka

T=1700000000000 # 2023-11-14T22:13:20Z
topic=$(unique_topic times)
create_topic "$topic" 2
# Partition 0 has a timestamp out of order (k0c): offsets by timestamp find the FIRST offset at or
# after the time, and a start there reads the older record behind it too; --since does not.
printf '%s\t%s\t%s\t%s\n' \
  0 $((T + 1000)) k0a a  0 $((T + 3000)) k0b b  0 $((T + 2000)) k0c c  0 $((T + 4000)) k0d d \
  1 $((T + 500)) k1a a  1 $((T + 2500)) k1b b  1 $((T + 5000)) k1c c |
  java_peer produce "$BROKERS" "$topic"

# read ARGS...: the records dlqcat consume-dlq reads, "PARTITION:OFFSET KEY" sorted.
read_keys() { "$DLQCAT" consume-dlq -b "$BROKERS" -t "$topic" -e -f '%p:%o %k\n' "$@" | sort; }

# from_offsets MS: what a start at MS must read per the Java client: every record at or after
# offsetsForTimes(MS) in its partition.
from_offsets() {
  java_peer offsets-for-times "$BROKERS" "$topic" "$1" >"$WORK/starts"
  java_peer dump "$BROKERS" "$topic" |
    awk 'NR == FNR { start[$1] = $2; next } $2 >= start[$1] { print $1 ":" $2, $4 }' "$WORK/starts" - | sort
}

TEST "-o s@MS starts each partition at the Java client's offset for MS"
expected=$(from_offsets $((T + 2500)))
expect_equal "$expected" "$(printf '0:1 k0b\n0:2 k0c\n0:3 k0d\n1:1 k1b\n1:2 k1c')" "the Java client's view"
expect_equal "$(read_keys -o "s@$((T + 2500))")" "$expected" "consume-dlq -o s@"
expect_equal "$(read_keys -o "s@$((T + 1500))")" "$(from_offsets $((T + 1500)))" "consume-dlq -o s@ (another time)"

TEST "-o s@MS after every record reads nothing; before every record reads all"
expect_equal "$(read_keys -o "s@$((T + 9000))")" "" "s@ after the last record"
expect_equal "$(read_keys -o "s@$T" | wc -l)" "7" "s@ before the first record"

TEST "-o e@MS stops each partition before its first record at or after MS"
expect_equal "$(read_keys -o "e@$((T + 2500))")" "$(printf '0:0 k0a\n1:0 k1a')" "e@ alone"
expect_equal "$(read_keys -o "s@$((T + 1500))" -o "e@$((T + 4500))")" "$(printf '0:1 k0b\n0:2 k0c\n0:3 k0d\n1:1 k1b')" "s@ and e@"

TEST "--since/--until keep the records whose own timestamp is in [since, until)"
expect_equal "$(read_keys --since $((T + 2500)) --until $((T + 4500)))" "$(printf '0:1 k0b\n0:3 k0d\n1:1 k1b')" "--since/--until in ms"
expect_equal "$(read_keys --since 2023-11-14T22:13:22.500Z --until 2023-11-14T22:13:24.500Z)" \
  "$(printf '0:1 k0b\n0:3 k0d\n1:1 k1b')" "--since/--until in ISO 8601"

TEST "replay -o s@MS replays from the offsets for MS"
dlq=$(unique_topic dlq)
target=$(unique_topic target)
create_topic "$dlq" 1
create_topic "$target" 1
# Dead letters whose own timestamps are T+1000..T+5000 (produce --json keeps a record's timestamp).
for i in 1 2 3 4 5; do
  printf '{"key":"k%s","value":"v%s","timestamp":%s,"headers":[{"name":"x-original-topic","value":"%s"}]}\n' \
    "$i" "$i" $((T + i * 1000)) "$target"
done | "$DLQCAT" produce -q -b "$BROKERS" -t "$dlq" --json
"$DLQCAT" replay -q -b "$BROKERS" -t "$dlq" -G "$(unique_topic g)" -e -o "s@$((T + 2500))" --to "$target"
expect_equal "$(java_peer dump "$BROKERS" "$target" | cut -f4 | tr '\n' ' ')" "k3 k4 k5 " "replayed keys"
