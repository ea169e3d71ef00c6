// A JSON error envelope in the record value: an application convention, not a framework's.
// Source: shared/seeds/streaming-job-dlq.md (a PySpark job writing
// {"processing_time": "...", "input_json": "{...}", "error_message": "..."} to visits_dlq).
// Recognised: a JSON object with an error field (error_message, error, exception) AND an original
// payload field (input_json, payload, original, record). Written as Python's json.dumps would.

#include "dialect/dialect.hpp"
#include "dialect/list.hpp"
#include "util/base64.hpp"
#include "util/byte_scan.hpp"
#include "util/json_scan.hpp"
#include "util/json_writer.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>
#include <simdjson.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <span>

namespace dlq::dialect {

namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 3> k_error_fields = {"error_message", "error", "exception"};
constexpr std::array<std::string_view, 4> k_payload_fields = {"input_json", "payload", "original", "record"};

constexpr std::string_view k_error_key = "\"error";
constexpr std::string_view k_exception_key = "\"exception\"";
static_assert(k_error_key.starts_with("\"e") && k_exception_key.starts_with("\"e"),
              "may_be_envelope() finds the keys by their first two bytes");

// Cheap tests first: this runs on every record that has no error headers.
bool
may_be_envelope(std::string_view value) noexcept
{
  const auto start = value.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos || value[start] != '{') {
    return false;
  }
  // Both keys start with `"e`: one vectorised pass for that pair (util::find_pair), then a look
  // at each. W2's "error_message" comes last, so the whole value is searched; a
  // Boyer-Moore-Horspool search for each key cost 352 instructions on a 250-byte envelope,
  // string_view::find stops at every quote of it, glibc's memmem cost 555.
  for (size_t at = util::find_pair(value, '"', 'e', start); at != std::string_view::npos;
       at = util::find_pair(value, '"', 'e', at + 1)) {
    const std::string_view rest = value.substr(at);
    if (rest.starts_with(k_error_key) || rest.starts_with(k_exception_key)) {
      return true;
    }
  }
  return false;
}

const json*
member(const json& object, std::string_view name)
{
  const auto it = object.find(name);
  return it == object.end() ? nullptr : &*it;
}

const json*
first_member(const json& object, std::span<const std::string_view> names, bool allow_null)
{
  for (const auto name : names) {
    const json* value = member(object, name);
    if (value != nullptr && (allow_null || !value->is_null())) {
      return value;
    }
  }
  return nullptr;
}

// The parsed envelope, or a discarded/non-object json when the value is not one. A value nested
// deeper than util::k_max_json_depth is not parsed (a tree that deep would be re-serialised by
// a recursive dump()): `problem` says so.
json
parse_envelope(const record::Bytes& value, std::string* problem)
{
  if (!value || !may_be_envelope(*value)) {
    return json(json::value_t::discarded);
  }
  if (util::json_nests_deeper_than(*value)) {
    if (problem != nullptr) {
      *problem = fmt::format("the envelope's JSON nests deeper than {} levels", util::k_max_json_depth);
    }
    return json(json::value_t::discarded);
  }
  auto object = json::parse(*value, nullptr, false);
  if (!object.is_object() || first_member(object, k_error_fields, false) == nullptr
      || first_member(object, k_payload_fields, true) == nullptr) {
    return json(json::value_t::discarded);
  }
  return object;
}

bool
looks_like_class_name(std::string_view text)
{
  return !text.empty() && text.find_first_of(" \t\r\n:") == std::string::npos;
}

// decode() runs on every headerless record, so it reads the envelope with simdjson and keeps
// only the members an ErrorContext needs (string views into the parser's buffer), instead of
// building an nlohmann tree. simdjson's DOM parser, not its On-Demand one: json::parse's
// strictness needs every value parsed, also those not kept, which On-Demand skips unchecked;
// and the DOM parser picks its SIMD kernel (AVX2 here) at run time, where On-Demand is compiled
// inline for the build's baseline x86-64 (its scalar fallback kernel). Nesting is bounded by
// util::k_max_json_depth, as everywhere a dead letter's JSON is read. unwrap_envelope() still
// builds an nlohmann tree: it needs the payload's JSON.
class EnvelopeReader
{
public:
  // The top-level members read, in k_names order.
  enum Field : size_t {
    ErrorMessage, Error, Exception, InputJson, Payload, Original, Record, Stacktrace, StackTrace, Traceback, Topic,
    OriginalTopic, Partition, OriginalPartition, Offset, OriginalOffset, FieldCount
  };
  static constexpr std::array<std::string_view, FieldCount> k_names = {
    "error_message", "error", "exception", "input_json", "payload", "original", "record", "stacktrace",
    "stack_trace", "traceback", "topic", "original_topic", "partition", "original_partition", "offset",
    "original_offset",
  };
  static_assert(k_error_fields[0] == k_names[ErrorMessage] && k_error_fields[2] == k_names[Exception]
                && k_payload_fields[0] == k_names[InputJson] && k_payload_fields[3] == k_names[Record]);

  // The members read, absent when not there; the last of a repeated key, as json::parse keeps.
  std::array<std::optional<simdjson::dom::element>, FieldCount> members;

  // `reused`: the caller's parser, whose buffers serve record after record.
  explicit EnvelopeReader(simdjson::dom::parser& reused) noexcept : m_reused(reused) {}

  // The member `key` names, or FieldCount: by length first, as this runs for every member of
  // every envelope.
  static constexpr size_t field_of(std::string_view key) noexcept
  {
    const auto is = [&](Field field) { return key == k_names[field]; };
    const auto one = [&](Field a) -> size_t { return is(a) ? a : FieldCount; };
    const auto either = [&](Field a, Field b) -> size_t { return is(a) ? a : one(b); };
    switch (key.size()) {
    case 5:
      return either(Error, Topic);
    case 6:
      return either(Record, Offset);
    case 7:
      return one(Payload);
    case 8:
      return one(Original);
    case 9:
      return is(Exception) ? Exception : either(Traceback, Partition);
    case 10:
      return either(InputJson, Stacktrace);
    case 11:
      return one(StackTrace);
    case 13:
      return one(ErrorMessage);
    case 14:
      return one(OriginalTopic);
    case 15:
      return one(OriginalOffset);
    case 18:
      return one(OriginalPartition);
    default:
      return FieldCount;
    }
  }

  // Parses `value`; false when json::parse would refuse it.
  bool read(std::string_view value)
  {
    // json::parse takes a NUL byte for the end of its input; one inside a string is invalid
    // either way.
    if (const void* nul = std::memchr(value.data(), '\0', value.size())) {
      value = value.substr(0, static_cast<size_t>(static_cast<const char*>(nul) - value.data()));
    }
    // simdjson reads up to SIMDJSON_PADDING bytes past the end: short values (most envelopes)
    // are copied onto the stack with that room, longer ones to the heap.
    std::array<char, 1024 + simdjson::SIMDJSON_PADDING> local;
    std::unique_ptr<char[]> heap;
    char* buffer = local.data();
    if (value.size() > local.size() - simdjson::SIMDJSON_PADDING) {
      heap = std::make_unique<char[]>(value.size() + simdjson::SIMDJSON_PADDING);
      buffer = heap.get();
    }
    std::memcpy(buffer, value.data(), value.size());
    std::memset(buffer + value.size(), 0, simdjson::SIMDJSON_PADDING);
    simdjson::dom::parser* parser = &m_reused;
    if (value.size() > k_reused_capacity) {
      parser = &m_own_parser.emplace(); // a rare large value: its buffers go with the reader
    }
    if ((parser->capacity() < value.size() || parser->max_depth() != util::k_max_json_depth)
        && parser->allocate(std::max(value.size(), k_initial_capacity), util::k_max_json_depth) != simdjson::SUCCESS) {
      return false;
    }
    simdjson::dom::object object;
    const auto error = parser->parse(buffer, value.size(), false).get(object);
    if (error == simdjson::NUMBER_ERROR && !m_reread) {
      // An integer beyond 64 bits, which simdjson 3.0 refuses and json::parse reads as a float
      // (nothing else json::parse accepts gives NUMBER_ERROR: it refuses 1e400 too). Rare: read
      // json::parse's own rendering of the value instead, where that number is a float.
      m_reread = true;
      if (util::json_nests_deeper_than(value)) {
        return false;
      }
      const auto tree = nlohmann::json::parse(value, nullptr, false);
      return !tree.is_discarded() && read(tree.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
    if (error != simdjson::SUCCESS) {
      return false;
    }
    for (const auto field : object) {
      const size_t found = field_of(field.key);
      if (found != FieldCount) {
        members[found] = field.value;
      }
    }
    return true;
  }

  bool present(Field field, bool allow_null) const
  {
    return members[field] && (allow_null || !members[field]->is_null());
  }
  std::optional<std::string_view> string(Field field) const
  {
    std::string_view text;
    if (members[field] && members[field]->get_string().get(text) == simdjson::SUCCESS) {
      return text;
    }
    return std::nullopt;
  }
  // An integer as json::parse reads one: int64, or uint64 taken as its bits.
  std::optional<int64_t> integer(Field field) const
  {
    if (!members[field]) {
      return std::nullopt;
    }
    const auto& element = *members[field];
    if (element.is_int64()) {
      return int64_t(element);
    }
    if (element.is_uint64()) {
      return static_cast<int64_t>(uint64_t(element));
    }
    return std::nullopt;
  }
  bool is_object(Field field) const { return members[field] && members[field]->is_object(); }

  // In an error object {"class"|"type"|"name"|"exception", "message"|"msg",
  // "stacktrace"|"stack_trace"|"traceback"}, the first name of each list holding a string wins
  // (the last of a repeated name).
  using Text = std::optional<std::string_view>;
  static void read_error_object(const simdjson::dom::element& element, Text& class_slot, Text& message_slot,
                                Text& stacktrace_slot)
  {
    static constexpr std::string_view k_class[] = {"class", "type", "name", "exception"};
    static constexpr std::string_view k_message[] = {"message", "msg"};
    static constexpr std::string_view k_stack[] = {"stacktrace", "stack_trace", "traceback"};
    std::optional<std::string_view> class_name, message, stacktrace;
    int class_rank = 99, message_rank = 99, stacktrace_rank = 99;
    for (const auto field : simdjson::dom::object(element)) {
      std::string_view text;
      if (field.value.get_string().get(text) != simdjson::SUCCESS) {
        continue;
      }
      const auto offer = [&](std::span<const std::string_view> names, std::optional<std::string_view>& slot, int& rank) {
        for (int i = 0; i < static_cast<int>(names.size()); ++i) {
          if (names[i] == field.key && i <= rank) {
            slot = text;
            rank = i;
            return true;
          }
        }
        return false;
      };
      offer(k_class, class_name, class_rank) || offer(k_message, message, message_rank)
        || offer(k_stack, stacktrace, stacktrace_rank);
    }
    const auto fill = [](Text& slot, const Text& from) {
      if (!slot && from) {
        slot = from;
      }
    };
    fill(class_slot, class_name);
    fill(message_slot, message);
    fill(stacktrace_slot, stacktrace);
  }

private:
  // The parser's buffers (tape, strings, structural indexes, one scope per level), kept by the
  // caller (Decoder) from one record to the next: allocating and freeing them for each record
  // cost more than parsing it (callgrind, docs/BENCHMARKS.md). Every parse starts afresh.
  simdjson::dom::parser& m_reused;
  std::optional<simdjson::dom::parser> m_own_parser; // outlives read(): members point into it
  bool m_reread = false;
  static constexpr size_t k_initial_capacity = 4096;
  static constexpr size_t k_reused_capacity = 1 << 20; // a larger value gets a parser of its own
};

using Text = EnvelopeReader::Text;

constexpr bool
finds_every_field() noexcept
{
  for (size_t i = 0; i < EnvelopeReader::FieldCount; ++i) {
    if (EnvelopeReader::field_of(EnvelopeReader::k_names[i]) != i) {
      return false;
    }
  }
  return EnvelopeReader::field_of("errors") == EnvelopeReader::FieldCount;
}
static_assert(finds_every_field());

// Sets `field` to `text`, reusing the buffer it holds.
void
set(std::optional<std::string>& field, const Text& text)
{
  if (!text) {
    field.reset();
  } else if (field) {
    field->assign(*text);
  } else {
    field.emplace(*text);
  }
}

// Decodes an envelope into `context`, as a fresh ErrorContext would hold it but reusing its
// strings' buffers. False when `value` is not an envelope.
bool
read_envelope(std::string_view value, simdjson::dom::parser& parser, ErrorContext& context)
{
  using F = EnvelopeReader::Field;
  EnvelopeReader reader(parser);
  if (!reader.read(value)) {
    return false;
  }
  const bool has_error = reader.present(F::ErrorMessage, false) || reader.present(F::Error, false)
                         || reader.present(F::Exception, false);
  const bool has_payload = reader.present(F::InputJson, true) || reader.present(F::Payload, true)
                           || reader.present(F::Original, true) || reader.present(F::Record, true);
  if (!has_error || !has_payload) {
    return false;
  }
  // The first of `fields` holding a string (or an integer) fills a slot not set yet. The texts
  // are views into the parser's strings, copied into `context` at the end.
  const auto text = [&](Text& slot, std::initializer_list<F> fields) {
    for (const auto name : fields) {
      if (!slot) {
        slot = reader.string(name);
      }
    }
  };
  const auto number = [&](auto& slot, std::initializer_list<F> fields) {
    for (const auto name : fields) {
      if (!slot) {
        if (const auto found = reader.integer(name)) {
          slot = static_cast<typename std::remove_reference_t<decltype(slot)>::value_type>(*found);
        }
      }
    }
  };
  Text class_name, message, stacktrace, topic;
  std::optional<int32_t> partition;
  std::optional<int64_t> offset;
  text(message, {F::ErrorMessage});
  for (const auto name : {F::Error, F::Exception}) {
    if (reader.is_object(name)) {
      EnvelopeReader::read_error_object(*reader.members[name], class_name, message, stacktrace);
    } else if (const auto found = reader.string(name)) {
      const bool is_class = name == F::Exception && looks_like_class_name(*found);
      text(is_class ? class_name : message, {name});
    }
  }
  text(stacktrace, {F::Stacktrace, F::StackTrace, F::Traceback});
  text(topic, {F::Topic, F::OriginalTopic});
  number(partition, {F::Partition, F::OriginalPartition});
  number(offset, {F::Offset, F::OriginalOffset});

  context.dialect.assign("envelope");
  context.history.clear();
  context.malformed.clear();
  auto& original = context.original;
  set(original.topic, topic);
  original.partition = partition;
  original.offset = offset;
  original.timestamp.reset();
  original.timestamp_type.reset();
  original.group.reset();
  auto& exception = context.exception;
  set(exception.class_name, class_name);
  set(exception.message, message);
  set(exception.stacktrace, stacktrace);
  exception.cause_class.reset();
  exception.cause_message.reset();
  context.key_exception = {};
  context.stage.reset();
  context.executing_class.reset();
  context.connector.reset();
  context.task.reset();
  context.attempts.reset();
  return true;
}

void
append_field(std::string& out, std::string_view name, const record::Bytes& value)
{
  out += out.size() == 1 ? "" : ", ";
  util::append_json_string(out, name);
  out += ": ";
  util::append_json_bytes(out, value);
}

void
encode(const ErrorContext& context, record::Record& record)
{
  std::string out = "{";
  append_field(out, "input_json", record.value);
  const auto& e = context.exception;
  if (e.message || !e.class_name) {
    append_field(out, "error_message", e.message.value_or(""));
  }
  if (e.class_name) {
    append_field(out, "exception", e.class_name);
  }
  if (e.stacktrace) {
    append_field(out, "stacktrace", e.stacktrace);
  }
  if (context.original.topic) {
    append_field(out, "topic", context.original.topic);
  }
  if (context.original.partition) {
    out += ", \"partition\": ";
    util::append_json_int(out, *context.original.partition);
  }
  if (context.original.offset) {
    out += ", \"offset\": ";
    util::append_json_int(out, *context.original.offset);
  }
  out += "}";
  record.value = std::move(out);
}

} // namespace

struct EnvelopeParser
{
  simdjson::dom::parser parser;
};

void
EnvelopeParserDeleter::operator()(EnvelopeParser* parser) const noexcept
{
  delete parser;
}

std::unique_ptr<EnvelopeParser, EnvelopeParserDeleter>
make_envelope_parser()
{
  return std::unique_ptr<EnvelopeParser, EnvelopeParserDeleter>(new EnvelopeParser());
}

bool
decode_envelope(const record::BytesView& value, ErrorContext& context, EnvelopeParser& parser)
{
  if (!value || !may_be_envelope(*value)) {
    return false;
  }
  return read_envelope(*value, parser.parser, context);
}

std::optional<record::Bytes>
unwrap_envelope(const record::Record& record, std::string* problem)
{
  const auto object = parse_envelope(record.value, problem);
  if (!object.is_object()) {
    return std::nullopt;
  }
  const json* found = first_member(object, k_payload_fields, true);
  if (found == nullptr) {
    return std::nullopt; // parse_envelope() checked it is there
  }
  const json& payload = *found;
  if (payload.is_null()) {
    return record::Bytes();
  }
  if (payload.is_string()) {
    return record::Bytes(payload.get<std::string>());
  }
  // Bytes that were not UTF-8 travel as {"base64": "..."} (DESIGN's lossless convention).
  if (payload.is_object() && payload.size() == 1 && payload.contains("base64") && payload["base64"].is_string()) {
    if (auto bytes = util::base64_decode(payload["base64"].get<std::string>())) {
      return record::Bytes(std::move(*bytes));
    }
  }
  return record::Bytes(payload.dump());
}

extern constinit const Dialect k_envelope{"envelope", {}, encode, nullptr};

} // namespace dlq::dialect
