# Secrets given with -X, -F or in URLs never appear in errors, -v/-vv logs (librdkafka's debug
# output included), summaries or --summary-json.
source "${E2E_DIR:-$(dirname "$0")}/common.bash"
start_broker --topic dlq:1
SECRET=Hunter2-$RANDOM$RANDOM

# no_secret FILE...: none of the files holds the secret.
no_secret() {
  local file
  for file in "$@"; do
    if grep -q "$SECRET" "$file"; then
      fail "secret found in $(basename "$file"): $(grep -m1 "$SECRET" "$file" | cut -c1-200)"
    fi
  done
}

TEST "SASL password in -X: refused by a broker without SASL, with -vv and librdkafka's debug output"
expect_exit 1 timeout 60 "$DLQCAT" consume-dlq -b "$BROKERS" -t dlq -e -vv -X debug=security,conf,broker \
  -X security.protocol=SASL_PLAINTEXT -X sasl.mechanism=PLAIN -X sasl.username=app -X sasl.password="$SECRET"
expect_contains "$(cat "$WORK/err")" "Authentication failure"
no_secret "$WORK/out" "$WORK/err"

TEST "secrets in a -F properties file"
printf 'sasl.password=%s\nssl.key.password=%s\nsecurity.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\nsasl.username=app\n' \
  "$SECRET" "$SECRET" >"$WORK/client.properties"
expect_exit 1 timeout 60 "$DLQCAT" consume-dlq -b "$BROKERS" -t dlq -e -vv -X debug=conf -F "$WORK/client.properties"
no_secret "$WORK/out" "$WORK/err"

TEST "a secret in a bad -X value is never echoed"
expect_exit 2 "$DLQCAT" consume-dlq -b "$BROKERS" -X sasl.password="$SECRET" -X security.protocol=bogus -t dlq -e
no_secret "$WORK/err"

TEST "replay with a secret set: summary line, --summary-json and -vv logs stay clean"
echo x | "$DLQCAT" produce -q -b "$BROKERS" -t dlq --dialect spring --original orders:0@1 --error-class java.lang.IllegalStateException
expect_exit 0 "$DLQCAT" replay -b "$BROKERS" -t dlq -e -vv -X debug=conf -X ssl.key.password="$SECRET" \
  -X session.timeout.ms=6000 --summary-json "$WORK/summary.json"
expect_contains "$(cat "$WORK/err")" "1 replayed"
no_secret "$WORK/out" "$WORK/err" "$WORK/summary.json"

TEST "passwords in compact-fix's database and Connect URLs"
port=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
expect_exit 1 "$DLQCAT" compact-fix -b "$BROKERS" -t dlq -G g --find-poison --table person \
  --pg "postgresql://sample:$SECRET@127.0.0.1:$port/sample"
expect_contains "$(cat "$WORK/err")" "postgresql://sample:***@127.0.0.1:$port/sample"
no_secret "$WORK/out" "$WORK/err"
expect_exit 1 "$DLQCAT" compact-fix -b "$BROKERS" -t dlq --connector c --partition 0 --offset 0 --strategy skip \
  --value x --connect "http://admin:$SECRET@127.0.0.1:$port"
expect_contains "$(cat "$WORK/err")" "http://admin:***@127.0.0.1:$port"
no_secret "$WORK/out" "$WORK/err"

# Issue 16.11: one redaction rule for every form a secret takes on the way in.
TEST "a secret typed with the wrong separator (-X sasl.password:SECRET) is not echoed"
expect_error 2 'dlqcat: error: -X: expected name=value, got "sasl.password:***"' \
  "$DLQCAT" consume-dlq -b "$BROKERS" -X "sasl.password:$SECRET" -t dlq -e
no_secret "$WORK/err"

TEST "--pg URIs that libpq cannot parse: a bad %-escape, an unclosed '[', an '@' inside the password"
for url in "postgresql://sample:${SECRET}%zz@127.0.0.1:$port/sample" \
  "postgresql://sample:$SECRET@[::1:$port/sample" \
  "postgresql://sample:ab@$SECRET@127.0.0.1:$port/sample" \
  "host=127.0.0.1 port=$port user=sample password=ab $SECRET dbname=sample"; do
  expect_exit 1 "$DLQCAT" compact-fix -b "$BROKERS" -t dlq -G g --find-poison --table person --pg "$url"
  expect_contains "$(cat "$WORK/err")" "dlqcat: error: PostgreSQL "
  no_secret "$WORK/out" "$WORK/err"
done
expect_exit 1 "$DLQCAT" compact-fix -b "$BROKERS" -t dlq -G g --find-poison --table person \
  --pg "postgresql://sample:ab@$SECRET@127.0.0.1:$port/sample"
expect_equal "$(cat "$WORK/err")" \
  "dlqcat: error: PostgreSQL postgresql://sample:***@127.0.0.1:$port/sample: could not translate host name \"***@127.0.0.1\" to address: Name or service not known"

TEST "--connect with user info and no scheme"
expect_exit 1 "$DLQCAT" compact-fix -b "$BROKERS" -t dlq --connector c --partition 0 --offset 0 --strategy skip \
  --value x --connect "admin:$SECRET@127.0.0.1:$port"
expect_contains "$(cat "$WORK/err")" "admin:***@127.0.0.1:$port"
no_secret "$WORK/out" "$WORK/err"
