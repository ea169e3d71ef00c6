# produce with dlqcat, read back with kcat -J as an independent peer.
# test-bed: embedded real
source "${E2E_DIR:-$(dirname "$0")}/common.bash"
require_kcat
require jq command -v jq
plain=$(unique_topic plain)
keyed=$(unique_topic keyed)
parted=$(unique_topic parted)
files=$(unique_topic files)
start_broker --topic "$plain:1" --topic "$keyed:1" --topic "$parted:4" --topic "$files:1"

kcat_read() { # topic -> one compact JSON object per record: key, payload, headers, partition
  kcat -C -b "$BROKERS" -t "$1" -e -q -J | jq -c '{key, payload, headers, partition}'
}

TEST "lines from stdin, one record each (empty lines skipped, as kcat), with -H headers"
printf 'alpha\nbeta\n\ngamma' | "$DLQCAT" produce -b "$BROKERS" -t "$plain" -H trace=abc -H trace=def 2>"$WORK/err"
expect_equal "$(cat "$WORK/err")" "3 delivered, 0 failed" "summary"
expect_equal "$(kcat_read "$plain")" \
'{"key":null,"payload":"alpha","headers":["trace","abc","trace","def"],"partition":0}
{"key":null,"payload":"beta","headers":["trace","abc","trace","def"],"partition":0}
{"key":null,"payload":"gamma","headers":["trace","abc","trace","def"],"partition":0}'

TEST "-K splits key and value, -Z sends empty as null, -D with an escape"
printf '1,Paul;2,Gaby;,nokey;3,;4' | "$DLQCAT" produce -q -b "$BROKERS" -t "$keyed" -K , -D ';' -Z
expect_equal "$(kcat_read "$keyed" | jq -c '[.key, .payload]')" \
'["1","Paul"]
["2","Gaby"]
[null,"nokey"]
["3",null]
[null,"4"]'

TEST "-p puts every record in that partition; -k sets a constant key"
printf 'a\nb\nc\n' | "$DLQCAT" produce -q -b "$BROKERS" -t "$parted" -p 2 -k fixed
expect_equal "$(kcat_read "$parted" | jq -c '[.partition, .key, .payload]')" \
'[2,"fixed","a"]
[2,"fixed","b"]
[2,"fixed","c"]'

TEST "FILE arguments are one record each; -l reads delimited records from a file"
printf 'first\nfile\n' >"$WORK/one.txt"
printf 'second' >"$WORK/two.txt"
"$DLQCAT" produce -q -b "$BROKERS" -t "$files" "$WORK/one.txt" "$WORK/two.txt"
printf 'x|y|z' >"$WORK/delimited.txt"
"$DLQCAT" produce -q -b "$BROKERS" -t "$files" -D '|' -l "$WORK/delimited.txt"
expect_equal "$(kcat_read "$files" | jq -c '.payload')" \
'"first\nfile\n"
"second"
"x"
"y"
"z"'

TEST "--json records keep key, value, headers (null, duplicates), partition and timestamp"
cat >"$WORK/records.jsonl" <<'JSON'
{"key":"k1","value":"v1","headers":[{"name":"h","value":"1"},{"name":"h","value":null},{"name":"e","value":""}],"partition":3,"timestamp":1700000000123}
{"key":null,"value":{"base64":"AAECAw=="},"headers":[],"partition":0}
JSON
topic=$(unique_topic json)
create_topic "$topic" 4
"$DLQCAT" produce -q -b "$BROKERS" -t "$topic" --json <"$WORK/records.jsonl"
got=$(kcat -C -b "$BROKERS" -t "$topic" -p 3 -e -q -J | jq -c '{key, payload, headers, partition, ts}')
expect_equal "$got" '{"key":"k1","payload":"v1","headers":["h","1","h",null,"e",""],"partition":3,"ts":1700000000123}'
got=$(kcat -C -b "$BROKERS" -t "$topic" -e -q -f '%k|%S|' | od -An -tx1 | tr -d ' \n')
expect_contains "$got" "7c347c" # empty key, value length 4 (binary bytes follow)

TEST "consume-dlq reads what kcat produced"
topic=$(unique_topic fromkcat)
create_topic "$topic" 4 # the embedded broker creates it with 4 partitions when kcat names it
printf 'k1:v1\nk2:v2\n' | kcat -P -b "$BROKERS" -t "$topic" -K : -H via=kcat
out=$("$DLQCAT" consume-dlq -b "$BROKERS" -t "$topic" -e -f '%k=%s %h\n' | sort)
expect_equal "$out" 'k1=v1 via=kcat
k2=v2 via=kcat'
