// dlqcat demo: a self-contained tour on the embedded broker. It writes a small, realistic DLQ
// (the Kafka Connect JDBC sink scenario of the seeds, plus Spring and stream-job records), then
// runs real dlqcat commands against it, exactly as a user would type them.

#include "app.hpp"
#include "exit_code.hpp"

#include "dialect/dialect.hpp"
#include "error.hpp"
#include "kafka/mock_cluster.hpp"
#include "kafka/producer.hpp"
#include "util/output.hpp"

#include <fmt/core.h>

#include <unistd.h>

#include <cstdio>

namespace dlq::cmd {

namespace {

constexpr std::string_view k_person_schema =
  R"({"schema":{"type":"struct","fields":[{"type":"int16","optional":false,"field":"id"},{"type":"string","optional":true,"field":"name"}],"optional":false,"name":"msgschema"},"payload":)";

constexpr std::string_view k_connect_trace =
  "org.apache.kafka.connect.errors.DataException: Converting byte[] to Kafka Connect data failed due to serialization error: \n"
  "\tat org.apache.kafka.connect.json.JsonConverter.toConnectData(JsonConverter.java:334)\n"
  "\tat org.apache.kafka.connect.runtime.WorkerSinkTask.lambda$convertAndTransformRecord$1(WorkerSinkTask.java:514)\n"
  "\tat org.apache.kafka.connect.runtime.errors.RetryWithToleranceOperator.execAndRetry(RetryWithToleranceOperator.java:128)\n"
  "\tat org.apache.kafka.connect.runtime.errors.RetryWithToleranceOperator.execAndHandleError(RetryWithToleranceOperator.java:162)\n"
  "\tat org.apache.kafka.connect.runtime.WorkerSinkTask.convertAndTransformRecord(WorkerSinkTask.java:514)\n"
  "\tat org.apache.kafka.connect.runtime.WorkerSinkTask.poll(WorkerSinkTask.java:322)\n"
  "Caused by: org.apache.kafka.common.errors.SerializationException: com.fasterxml.jackson.core.io.JsonEOFException: "
  "Unexpected end-of-input: expected close marker for Object\n";

record::Record
connect_record(int id, std::string_view name, int64_t original_offset)
{
  record::Record record;
  record.topic = "dlq";
  record.key = std::to_string(id);
  // The seed's poison: the closing brace is missing, so JsonConverter fails.
  record.value = fmt::format(R"({}{{"id":{},"name":"{}"}})", k_person_schema, id, name);
  ErrorContext context;
  context.original.topic = "person";
  context.original.partition = 0;
  context.original.offset = original_offset;
  context.connector = "jdbc-sink";
  context.task = 0;
  context.stage = "VALUE_CONVERTER";
  context.exception.class_name = "org.apache.kafka.connect.errors.DataException";
  context.exception.message = "Converting byte[] to Kafka Connect data failed due to serialization error: ";
  context.exception.stacktrace = std::string(k_connect_trace);
  dialect::encode("connect", context, record);
  return record;
}

record::Record
spring_record(std::string_view key, std::string_view value, int64_t original_offset)
{
  record::Record record;
  record.topic = "orders-dlt";
  record.key = std::string(key);
  record.value = std::string(value);
  record.headers.push_back({"traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"});
  ErrorContext context;
  context.original.topic = "orders";
  context.original.partition = 1;
  context.original.offset = original_offset;
  context.original.timestamp = 1700000000000;
  context.original.timestamp_type = "CreateTime";
  context.original.group = "order-service";
  context.exception.class_name = "org.springframework.kafka.listener.ListenerExecutionFailedException";
  context.exception.cause_class = "java.net.SocketTimeoutException";
  context.exception.message = "Listener method threw exception; Read timed out";
  context.exception.stacktrace =
    "org.springframework.kafka.listener.ListenerExecutionFailedException: Listener method threw exception\n"
    "\tat org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer.invokeOnMessage(KafkaMessageListenerContainer.java:2927)\n"
    "Caused by: java.net.SocketTimeoutException: Read timed out\n"
    "\tat java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:288)\n";
  dialect::encode("spring", context, record);
  return record;
}

// The Spring Cloud Stream re-route sample (shared/seeds/spring-cloud-stream-dlq.txt): x-retries counts
// the attempts; after 3 a record belongs in the parking lot.
record::Record
scst_record(int id, int retries)
{
  record::Record record;
  record.topic = "error.so8400out.so8400";
  record.key = "msg-" + std::to_string(id);
  record.value = fmt::format(R"({{"id":{},"payload":"hello"}})", id);
  ErrorContext context;
  context.original.topic = "so8400out";
  context.original.partition = 0;
  context.original.offset = 100 + id;
  context.exception.class_name = "org.springframework.messaging.MessagingException";
  context.exception.message = "Exception thrown while invoking handler; nested exception is java.lang.RuntimeException: fail";
  context.attempts = retries;
  dialect::encode("scst", context, record);
  return record;
}

record::Record
envelope_record(std::string_view input_json)
{
  record::Record record;
  record.topic = "visits_dlq";
  record.value = std::string(input_json);
  ErrorContext context;
  context.exception.message = "fromisoformat: argument must be str";
  dialect::encode("envelope", context, record);
  return record;
}

// Runs one dlqcat command line in this process, printing it first as a shell prompt would. The
// demo's own --color reaches each command (an explicit `--color always` beats NO_COLOR there too).
int
run_command(std::vector<std::string> args, const std::string& shown, const GlobalOptions& global)
{
  util::write_all(STDOUT_FILENO, fmt::format("\n$ dlqcat {}\n", shown));
  AppState state;
  auto app = build_app(state);
  args.insert(args.begin(), {"--color", global.color});
  std::vector<std::string> reversed(args.rbegin(), args.rend()); // CLI11 parses a reversed vector
  app->parse(reversed);
  const int code = state.run();
  std::fflush(stdout);
  return code;
}

int
run_demo(const GlobalOptions& global)
{
  kafka::MockCluster cluster(1);
  cluster.create_topic("person", 3);
  cluster.create_topic("dlq", 1);
  cluster.create_topic("orders", 3);
  cluster.create_topic("orders-dlt", 3);
  cluster.create_topic("visits_dlq", 1);
  cluster.create_topic("so8400out", 1);
  cluster.create_topic("error.so8400out.so8400", 1);
  const auto bootstrap = cluster.bootstraps();
  util::write_all(STDOUT_FILENO, fmt::format("dlqcat demo: an embedded broker is running on {}\n", bootstrap));

  std::vector<record::Record> records = {
    connect_record(3, "Invalid", 1),
    connect_record(6, "Broken", 4),
    spring_record("order-17", R"({"order":17,"amount":"12,50"})", 42),
    envelope_record(R"({"visit_id": null, "event_time": null, "user_id": null, "page": "page_8"})"),
    scst_record(1, 1),
    scst_record(2, 2),
    scst_record(3, 3),
  };
  kafka::ClientConfig config;
  config.set("bootstrap.servers", bootstrap);
  config.log = log_sink(global);
  {
    kafka::Producer producer(config);
    for (const auto& record : records) {
      producer.produce(record);
    }
    producer.flush(kafka::milliseconds(10000));
    if (producer.failed() > 0 || producer.in_flight() > 0) {
      throw DeliveryError(fmt::format("demo: could not write its records: {}", producer.first_error()));
    }
  }
  util::write_all(STDOUT_FILENO,
                  fmt::format("wrote {} dead letters: 2 from a Kafka Connect JDBC sink (topic dlq), 1 from Spring Kafka "
                              "(orders-dlt), 1 JSON error envelope from a stream job (visits_dlq), 3 from a Spring Cloud "
                              "Stream binder (error.so8400out.so8400)\n",
                              records.size()));

  int code = run_command({"consume-dlq", "-b", bootstrap, "-t", "dlq", "-e"}, "consume-dlq -b $BROKERS -t dlq -e", global);
  code = std::max(code, run_command({"consume-dlq", "-b", bootstrap, "-t", "orders-dlt", "-t", "visits_dlq", "-e", "-f",
                                     "%t [%p] @ %o  %E  from %O\\n"},
                                    "consume-dlq -b $BROKERS -t orders-dlt -t visits_dlq -e -f '%t [%p] @ %o  %E  from %O\\n'", global));
  code = std::max(code, run_command({"consume-dlq", "-b", bootstrap, "-t", "dlq", "-e", "-c", "1", "-J"},
                                    "consume-dlq -b $BROKERS -t dlq -e -c 1 -J", global));
  code = std::max(code, run_command({"inspect-headers", "-b", bootstrap, "-t", "dlq", "-t", "orders-dlt", "-t", "visits_dlq",
                                     "-t", "error.so8400out.so8400", "--summary"},
                                    "inspect-headers -b $BROKERS -t dlq -t orders-dlt -t visits_dlq -t error.so8400out.so8400 --summary", global));
  code = std::max(code, run_command({"inspect-headers", "-b", bootstrap, "-t", "orders-dlt"},
                                    "inspect-headers -b $BROKERS -t orders-dlt", global));
  // The SCSt re-route: x-retries + 1 back to so8400out, the exhausted one to the parking lot.
  code = std::max(code, run_command({"replay", "-b", bootstrap, "-t", "error.so8400out.so8400", "-e", "--dry-run"},
                                    "replay -b $BROKERS -t error.so8400out.so8400 -e --dry-run", global));
  code = std::max(code, run_command({"replay", "-b", bootstrap, "-t", "error.so8400out.so8400", "-e"},
                                    "replay -b $BROKERS -t error.so8400out.so8400 -e", global));
  code = std::max(code, run_command({"consume-dlq", "-b", bootstrap, "-t", "so8400out", "-e", "-f", "%t  %k  %h\\n"},
                                    "consume-dlq -b $BROKERS -t so8400out -e -f '%t  %k  %h\\n'", global));
  code = std::max(code, run_command({"consume-dlq", "-b", bootstrap, "-t", "error.so8400out.so8400.parking-lot", "-e", "-f",
                                     "%t  %k  %E (attempts %A)\\n"},
                                    "consume-dlq -b $BROKERS -t error.so8400out.so8400.parking-lot -e -f '%t  %k  %E (attempts %A)\\n'", global));
  util::write_all(STDOUT_FILENO,
                  "\nTry it yourself: `dlqcat broker --topic dlq:3` starts a broker that stays up; point -b at it.\n");
  return code;
}

} // namespace

void
add_demo(CLI::App& app, AppState& state)
{
  auto* sub = app.add_subcommand("demo", "A self-contained tour on the embedded broker: writes a small DLQ and reads it");
  sub->callback([&state] { state.run = [&state] { return run_demo(state.global); }; });
}

} // namespace dlq::cmd
