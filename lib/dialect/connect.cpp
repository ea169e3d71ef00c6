// Kafka Connect's dead letter queue for sink connectors.
// Source: apache/kafka connect/runtime/src/main/java/org/apache/kafka/connect/runtime/errors/
// DeadLetterQueueReporter.java (populateContextHeaders). All values utf8, numbers as dec text; written
// only with errors.deadletterqueue.context.headers.enable=true, and add() never overwrites a header
// that is already there.

#include "dialect/list.hpp"
#include "dialect/values.hpp"

#include <string.h> // memrchr (glibc)

namespace dlq::dialect {

namespace {

constexpr HeaderSpec k_headers[] = {
  own("__connect.errors.topic", Encoding::Utf8, Field::OriginalTopic),
  own("__connect.errors.partition", Encoding::Dec, Field::OriginalPartition),
  own("__connect.errors.offset", Encoding::Dec, Field::OriginalOffset),
  own("__connect.errors.connector.name", Encoding::Utf8, Field::Connector),
  own("__connect.errors.task.id", Encoding::Dec, Field::Task),
  own("__connect.errors.stage", Encoding::Utf8, Field::Stage),
  own("__connect.errors.class.name", Encoding::Utf8, Field::ExecutingClass),
  own("__connect.errors.exception.class.name", Encoding::Utf8, Field::ExceptionClass),
  own("__connect.errors.exception.message", Encoding::Utf8, Field::ExceptionMessage),
  own("__connect.errors.exception.stacktrace", Encoding::Utf8, Field::ExceptionStacktrace),
};

void
encode(const ErrorContext& context, record::Record& record)
{
  const auto text = [&](std::string_view name, const std::optional<std::string>& value) {
    if (value) {
      put::add_if_absent(record, name, *value);
    }
  };
  const auto number = [&](std::string_view name, const auto& value) {
    if (value) {
      put::add_if_absent(record, name, values::encode_dec(*value));
    }
  };
  text("__connect.errors.topic", context.original.topic);
  number("__connect.errors.partition", context.original.partition);
  number("__connect.errors.offset", context.original.offset);
  text("__connect.errors.connector.name", context.connector);
  number("__connect.errors.task.id", context.task);
  text("__connect.errors.stage", context.stage);
  text("__connect.errors.class.name", context.executing_class);
  // Connect writes the exception headers only when there is an error object.
  if (context.exception.class_name) {
    text("__connect.errors.exception.class.name", context.exception.class_name);
    text("__connect.errors.exception.message", context.exception.message);
    text("__connect.errors.exception.stacktrace", context.exception.stacktrace);
  }
}

// Sets `field` to `text`, reusing the buffer it holds.
void
assign(std::optional<std::string>& field, std::string_view text)
{
  if (field) {
    field->assign(text);
  } else {
    field.emplace(text);
  }
}

// Connect writes no cause header; its root cause is the last "Caused by: CLASS[: MESSAGE]" line of
// the stack trace (Java's Throwable.printStackTrace; indented ones belong to suppressed
// exceptions). It fills cause_class and cause_message, so that --exception and the summaries see
// it as they see Spring's cause header. (The generic decode left both fields as the previous
// record had them: Dialect::finish_fills_cause.)
void
finish(ErrorContext& context)
{
  auto& e = context.exception;
  constexpr std::string_view k_caused_by = "Caused by: ";
  const std::string_view trace = e.stacktrace ? std::string_view(*e.stacktrace) : std::string_view();
  // The last line that starts with it, found line by line from the end: glibc's memrchr jumps to
  // each line break (vectorised), where rfind() of the phrase compared at every byte of a
  // 2.5 KB trace (12,600 instructions a record on W1, callgrind).
  size_t at = std::string_view::npos;
  for (size_t end = trace.size();;) {
    const void* newline = end > 0 ? memrchr(trace.data(), '\n', end) : nullptr;
    const size_t start = newline != nullptr ? static_cast<size_t>(static_cast<const char*>(newline) - trace.data()) + 1 : 0;
    if (trace.substr(start).starts_with(k_caused_by)) {
      at = start;
      break;
    }
    if (newline == nullptr) {
      break;
    }
    end = start - 1;
  }
  if (at == std::string_view::npos) {
    e.cause_class.reset();
    e.cause_message.reset();
    return;
  }
  std::string_view line = trace.substr(at + k_caused_by.size());
  line = line.substr(0, line.find('\n'));
  if (!line.empty() && line.back() == '\r') {
    line.remove_suffix(1);
  }
  const size_t colon = line.find(": ");
  assign(e.cause_class, line.substr(0, colon));
  if (colon != std::string_view::npos) {
    assign(e.cause_message, line.substr(colon + 2));
  } else {
    e.cause_message.reset();
  }
}

} // namespace

extern constinit const Dialect k_connect{"connect", k_headers, encode, finish, true};

} // namespace dlq::dialect
