// The decode engine: the generic machinery that runs every dialect's header table (list.hpp):
// detection, decoding into ErrorContext, describe_headers, attempts, encode dispatch,
// is_error_header. Nothing here names a dialect.

#include "dialect/dialect.hpp"
#include "dialect/list.hpp"
#include "dialect/spec.hpp"
#include "dialect/values.hpp"
#include "error.hpp"
#include "util/hex.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <utility>

namespace dlq::dialect {

namespace {

constexpr int k_none = -1;

using Owner = Decoder::Owner; // dialect: index into k_dialects

// Every header name some dialect owns, with its first owner in k_dialects order: detection and
// decoding look up every header of every record. An open-addressed table: dialect names share
// long prefixes ("__connect.errors.", "kafka_dlt-"), so their length and last eight bytes,
// hashed, tell them apart at a fraction of what hashing every byte and walking
// std::unordered_map's buckets cost (a W1 record's ten lookups: 2,260 instructions). The table
// is fixed: a name from a record is only looked up, never inserted.
class OwnerTable
{
public:
  OwnerTable()
  {
    size_t names = 0;
    for (const auto* dialect : k_dialects) {
      names += dialect->headers.size();
    }
    while ((size_t{1} << m_bits) < 4 * names) { // at most a quarter full: short probes
      ++m_bits;
    }
    m_slots.resize(size_t{1} << m_bits);
    for (int i = 0; i < static_cast<int>(k_dialects.size()); ++i) {
      for (const auto& spec : k_dialects[i]->headers) {
        Slot& slot = m_slots[slot_of(spec.name)];
        if (slot.owner.spec == nullptr) {
          slot = {spec.name, Owner{i, &spec}};
        }
      }
    }
  }

  Owner find(std::string_view name) const noexcept { return m_slots[slot_of(name)].owner; }

private:
  struct Slot
  {
    std::string_view name;
    Owner owner;
  };

  // The slot holding `name`, or the empty one where it would go.
  size_t slot_of(std::string_view name) const noexcept
  {
    uint64_t tail = 0;
    const size_t n = std::min<size_t>(name.size(), sizeof tail);
    std::memcpy(&tail, name.data() + name.size() - n, n);
    const size_t mask = m_slots.size() - 1;
    // Multiplicative hashing: the product's high bits index the table.
    size_t i = static_cast<size_t>(((tail ^ name.size()) * 0x9E3779B97F4A7C15ULL) >> (64 - m_bits));
    while (m_slots[i].owner.spec != nullptr && m_slots[i].name != name) {
      i = (i + 1) & mask;
    }
    return i;
  }

  std::vector<Slot> m_slots;
  int m_bits = 4;
};

Owner
first_owner(std::string_view name)
{
  static const OwnerTable k_owners;
  return k_owners.find(name);
}

// The owner of a header whose first owner is `first`, when the record's current dialect
// `preferred` lists that header too. A header no dialect owns is in no table: nothing to look up.
Owner
prefer(const Owner& first, std::string_view name, int preferred) noexcept
{
  if (first.spec != nullptr && preferred != k_none && first.dialect != preferred) {
    if (const auto* spec = find_header(*k_dialects[preferred], name)) {
      return {preferred, spec};
    }
  }
  return first;
}

// The first owner of every header of `record`, in header order: detection, decoding and the
// attempt count all start from these, so each name is looked up once.
void
first_owners_of(const record::RecordView& record, std::vector<Owner>& owners)
{
  owners.clear();
  owners.reserve(record.headers.size());
  for (const record::HeaderView header : record.headers) {
    owners.push_back(first_owner(header.name));
  }
}

std::vector<Owner>
first_owners_of(const record::RecordView& record)
{
  std::vector<Owner> owners;
  first_owners_of(record, owners);
  return owners;
}

// One header value read by its encoding.
struct Value
{
  std::string_view type; // describe_headers' type
  std::optional<int64_t> number;
  std::optional<std::string_view> text;
  std::string problem; // set: malformed
};

Value
malformed(std::string problem)
{
  return {"malformed", std::nullopt, std::nullopt, std::move(problem)};
}

Value
from_number(std::string_view type, values::Parsed<int64_t> parsed)
{
  if (!parsed.value) {
    return malformed(std::move(parsed.problem));
  }
  return {type, parsed.value, std::nullopt, {}};
}

// Bytes with no declared encoding: Java-serialized, text, or binary.
Value
read_raw(std::string_view bytes)
{
  if (values::is_java_serialized(bytes)) {
    return {"java-serialized", std::nullopt, std::nullopt, {}};
  }
  if (auto text = values::parse_utf8(bytes); text.value) {
    return {"utf8", std::nullopt, text.value, {}};
  }
  return {"binary", std::nullopt, std::nullopt, {}};
}

bool
all_digits(std::string_view bytes) noexcept
{
  const std::string_view digits = !bytes.empty() && bytes[0] == '-' ? bytes.substr(1) : bytes;
  return !digits.empty() && std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Value
read_encoded(Encoding encoding, std::string_view bytes)
{
  switch (encoding) {
  case Encoding::Utf8: {
    auto text = values::parse_utf8(bytes);
    if (!text.value) {
      return malformed(std::move(text.problem));
    }
    return {"utf8", std::nullopt, text.value, {}};
  }
  case Encoding::Dec:
    return from_number("dec", values::parse_dec(bytes));
  case Encoding::I32:
    return from_number("int32", values::parse_i32(bytes));
  case Encoding::I64:
    return from_number("int64", values::parse_i64(bytes));
  case Encoding::BigInt:
    return from_number("bigint", values::parse_bigint(bytes));
  case Encoding::I32OrBigInt:
    if (bytes.size() == 4) {
      return from_number("int32", values::parse_i32(bytes));
    }
    if (bytes.size() == 1) {
      return from_number("bigint", values::parse_bigint(bytes));
    }
    return malformed(fmt::format("expected a 4-byte int32 or a 1-byte BigInteger, got {} bytes", bytes.size()));
  case Encoding::Counter:
    if (all_digits(bytes)) {
      return from_number("dec", values::parse_dec(bytes));
    }
    if (auto json = values::parse_json_number(bytes); json.value) {
      return from_number("json", std::move(json));
    }
    if (bytes.size() == 4) {
      return from_number("int32", values::parse_i32(bytes));
    }
    return malformed("expected decimal text, a JSON number or a 4-byte int32");
  case Encoding::Json:
    if (!nlohmann::json::accept(bytes)) {
      return malformed("invalid JSON");
    }
    return {"json", std::nullopt, bytes, {}};
  case Encoding::JavaSerialized:
  case Encoding::Binary:
    break;
  }
  return read_raw(bytes);
}

constexpr bool
is_int32(Field field) noexcept
{
  return field == Field::OriginalPartition || field == Field::Task || field == Field::Attempts;
}

// Reads `value` as `spec` says (spec == nullptr: a header no dialect owns).
Value
read_value(const HeaderSpec* spec, const record::BytesView& value)
{
  if (!value) {
    return {"null", std::nullopt, std::nullopt, {}};
  }
  if (spec == nullptr) {
    return read_raw(*value);
  }
  Value result = read_encoded(spec->encoding, *value);
  if (result.number && is_int32(spec->field)
      && (*result.number < INT32_MIN || *result.number > INT32_MAX)) {
    return malformed(fmt::format("{} is out of the 32-bit range", *result.number));
  }
  return result;
}

std::string
display(const Value& value, const record::BytesView& bytes)
{
  if (value.number) {
    return fmt::format("{}", *value.number);
  }
  if (value.text) {
    return std::string(*value.text);
  }
  if (!bytes) {
    return "null";
  }
  return util::to_hex(*bytes);
}

// Detection: only header names, no values. Current = the dialect whose identifying ("anchor")
// header comes last; history = the other dialects found, in the order of their last anchor.
struct Layers
{
  int current = k_none;
  std::vector<int> history;
};

Layers
detect(const std::vector<Owner>& owners)
{
  std::array<int, k_dialects.size()> last{};
  last.fill(-1);
  for (int position = 0; position < static_cast<int>(owners.size()); ++position) {
    const Owner& owner = owners[position];
    if (owner.spec != nullptr && owner.spec->anchor) {
      last[owner.dialect] = position;
    }
  }
  Layers layers;
  for (int i = 0; i < static_cast<int>(last.size()); ++i) {
    if (last[i] >= 0 && (layers.current == k_none || last[i] > last[layers.current])) {
      layers.current = i;
    }
  }
  for (int i = 0; i < static_cast<int>(last.size()); ++i) {
    if (last[i] >= 0 && i != layers.current) {
      layers.history.push_back(i);
    }
  }
  std::sort(layers.history.begin(), layers.history.end(), [&](int a, int b) { return last[a] < last[b]; });
  return layers;
}

// The winning value of one ErrorContext field while scanning the headers.
struct Slot
{
  bool set = false;
  uint8_t rank = 0;
  std::optional<int64_t> number;
  std::string_view text;
};

// An attempt count as failed deliveries (HeaderSpec::ahead); other numbers as they are.
std::optional<int64_t>
failed_deliveries(const HeaderSpec& spec, std::optional<int64_t> number) noexcept
{
  if (!number || spec.ahead == 0) {
    return number;
  }
  return std::max<int64_t>(*number - spec.ahead, 0);
}

void
offer(Slot& slot, const HeaderSpec& spec, const Value& value)
{
  if (!value.number && !value.text) {
    return; // null
  }
  if (spec.field == Field::OriginalTimestamp && value.number && *value.number < 0) {
    return; // -1: the record had no timestamp
  }
  // Original fields keep the FIRST occurrence (the true origin), the others the LAST.
  const bool replace = !slot.set || spec.rank < slot.rank || (spec.rank == slot.rank && !is_original(spec.field));
  if (replace) {
    slot = {true, spec.rank, failed_deliveries(spec, value.number), value.text ? *value.text : std::string_view()};
  }
}

// Sets `field` to the slot's text, reusing the buffer it holds.
void
set_text(std::optional<std::string>& field, const Slot& slot)
{
  if (!slot.set) {
    field.reset();
  } else if (field) {
    field->assign(slot.text);
  } else {
    field.emplace(slot.text);
  }
}

template <typename Int>
std::optional<Int>
number_of(const Slot& slot)
{
  return slot.set && slot.number ? std::optional<Int>(static_cast<Int>(*slot.number)) : std::nullopt;
}

void
fill(ErrorContext& context, const std::array<Slot, size_t(Field::Count)>& slots, bool finish_fills_cause)
{
  const auto slot = [&](Field field) -> const Slot& { return slots[size_t(field)]; };
  set_text(context.original.topic, slot(Field::OriginalTopic));
  context.original.partition = number_of<int32_t>(slot(Field::OriginalPartition));
  context.original.offset = number_of<int64_t>(slot(Field::OriginalOffset));
  context.original.timestamp = number_of<int64_t>(slot(Field::OriginalTimestamp));
  set_text(context.original.timestamp_type, slot(Field::OriginalTimestampType));
  set_text(context.original.group, slot(Field::OriginalGroup));
  set_text(context.exception.class_name, slot(Field::ExceptionClass));
  set_text(context.exception.message, slot(Field::ExceptionMessage));
  set_text(context.exception.stacktrace, slot(Field::ExceptionStacktrace));
  if (!finish_fills_cause || slot(Field::CauseClass).set || slot(Field::CauseMessage).set) {
    set_text(context.exception.cause_class, slot(Field::CauseClass));
    set_text(context.exception.cause_message, slot(Field::CauseMessage));
  }
  set_text(context.key_exception.class_name, slot(Field::KeyExceptionClass));
  set_text(context.key_exception.message, slot(Field::KeyExceptionMessage));
  set_text(context.key_exception.stacktrace, slot(Field::KeyExceptionStacktrace));
  context.key_exception.cause_class.reset();
  context.key_exception.cause_message.reset();
  // Spring writes one cause header for the value's exception and the key's alike (spring-kafka
  // DeadLetterPublishingRecoverer.addExceptionInfoHeaders: kafka_dlt-exception-cause-fqcn, unprefixed,
  // whether isKey or not). Beside a key exception and no trace of a value exception, the cause is
  // the key exception's.
  const auto& e = context.exception;
  const auto& k = context.key_exception;
  if (!e.class_name && !e.message && !e.stacktrace && (k.class_name || k.message || k.stacktrace)) {
    context.key_exception.cause_class = std::exchange(context.exception.cause_class, std::nullopt);
    context.key_exception.cause_message = std::exchange(context.exception.cause_message, std::nullopt);
  }
  set_text(context.stage, slot(Field::Stage));
  set_text(context.executing_class, slot(Field::ExecutingClass));
  set_text(context.connector, slot(Field::Connector));
  context.task = number_of<int32_t>(slot(Field::Task));
  context.attempts = number_of<int32_t>(slot(Field::Attempts));
}

int
index_of(std::string_view name) noexcept
{
  for (int i = 0; i < static_cast<int>(k_dialects.size()); ++i) {
    if (k_dialects[i]->name == name) {
      return i;
    }
  }
  return k_none;
}

// The last attempt count among the headers (by their first owners).
std::optional<int32_t>
attempts_from(const record::RecordView& record, const std::vector<Owner>& owners)
{
  std::optional<int32_t> result;
  for (size_t i = 0; i < owners.size(); ++i) {
    const Owner& owner = owners[i];
    if (owner.spec == nullptr || owner.spec->field != Field::Attempts) {
      continue;
    }
    const Value value = read_value(owner.spec, record.headers[i].value);
    if (value.number) {
      result = static_cast<int32_t>(*failed_deliveries(*owner.spec, value.number));
    }
  }
  return result;
}

} // namespace

const HeaderSpec*
find_header(const Dialect& dialect, std::string_view name) noexcept
{
  for (const auto& spec : dialect.headers) {
    if (spec.name == name) {
      return &spec;
    }
  }
  return nullptr;
}

const std::vector<std::string_view>&
names()
{
  static const std::vector<std::string_view> k_names = [] {
    std::vector<std::string_view> result;
    for (const auto* dialect : k_dialects) {
      result.push_back(dialect->name);
    }
    return result;
  }();
  return k_names;
}

bool
is_known(std::string_view name)
{
  return index_of(name) != k_none;
}

std::optional<ErrorContext>
decode(const record::Record& record)
{
  ErrorContext context;
  if (!Decoder().decode(record, context)) {
    return std::nullopt;
  }
  return context;
}

bool
decode(const record::Record& record, ErrorContext& context)
{
  return Decoder().decode(record, context);
}

Decoder::Decoder() : m_parser(make_envelope_parser()) {}

bool
Decoder::decode(const record::RecordView& record, ErrorContext& context)
{
  if (record.headers.empty()) {
    return decode_envelope(record.value, context, *m_parser); // no header, no dialect to detect
  }
  first_owners_of(record, m_owners);
  const auto& owners = m_owners;
  const Layers layers = detect(owners);
  if (layers.current == k_none) {
    return decode_envelope(record.value, context, *m_parser);
  }
  const Dialect& current = *k_dialects[layers.current];
  context.dialect.assign(current.name);
  context.history.clear();
  for (const int i : layers.history) {
    context.history.emplace_back(k_dialects[i]->name);
  }
  context.malformed.clear();
  std::array<Slot, size_t(Field::Count)> slots{};
  for (size_t i = 0; i < record.headers.size(); ++i) {
    const record::HeaderView header = record.headers[i];
    const Owner owner = prefer(owners[i], header.name, layers.current);
    if (owner.spec == nullptr) {
      continue;
    }
    const Value value = read_value(owner.spec, header.value);
    if (!value.problem.empty()) {
      context.malformed.push_back({std::string(header.name), value.problem, util::to_hex(*header.value)});
    } else if (owner.dialect == layers.current && owner.spec->field != Field::None) {
      offer(slots[size_t(owner.spec->field)], *owner.spec, value);
    }
  }
  const bool finish_fills_cause = current.finish_fills_cause && !slots[size_t(Field::CauseClass)].set
                                  && !slots[size_t(Field::CauseMessage)].set;
  fill(context, slots, finish_fills_cause);
  if (!context.attempts) {
    context.attempts = attempts_from(record, owners);
  }
  if (current.finish != nullptr) {
    current.finish(context);
  }
  return true;
}

std::vector<TypedHeader>
describe_headers(const record::Record& record)
{
  const auto owners = first_owners_of(record);
  const int current = detect(owners).current;
  std::vector<TypedHeader> typed;
  typed.reserve(record.headers.size());
  for (size_t i = 0; i < record.headers.size(); ++i) {
    const auto& header = record.headers[i];
    const Owner owner = prefer(owners[i], header.name, current);
    const Value value = read_value(owner.spec, header.value);
    TypedHeader entry;
    entry.name = header.name;
    entry.dialect = owner.spec != nullptr ? std::string(k_dialects[owner.dialect]->name) : std::string();
    entry.type = std::string(value.type);
    entry.display = display(value, header.value);
    entry.number = value.number;
    if (!value.problem.empty()) {
      entry.problem = value.problem;
    }
    typed.push_back(std::move(entry));
  }
  return typed;
}

std::optional<int32_t>
attempts(const record::Record& record)
{
  return attempts_from(record, first_owners_of(record));
}

void
encode(std::string_view dialect, const ErrorContext& context, record::Record& record)
{
  const int index = index_of(dialect);
  if (index == k_none) {
    std::string expected;
    for (const auto name : names()) {
      expected += expected.empty() ? "" : ", ";
      expected += name;
    }
    throw UsageError(fmt::format("unknown dialect \"{}\" (expected {})", dialect, expected));
  }
  k_dialects[index]->encode(context, record);
}

bool
is_error_header(std::string_view header_name)
{
  const Owner owner = first_owner(header_name);
  return owner.spec != nullptr && owner.spec->error;
}

namespace put {

void
add(record::Record& record, std::string_view name, std::string value)
{
  record.headers.push_back({std::string(name), std::move(value)});
}

void
add_if_absent(record::Record& record, std::string_view name, std::string value)
{
  if (record.last_header(name) == nullptr) {
    add(record, name, std::move(value));
  }
}

void
replace(record::Record& record, std::string_view name, std::string value)
{
  std::erase_if(record.headers, [&](const record::Header& header) { return header.name == name; });
  add(record, name, std::move(value));
}

void
set(record::Record& record, std::string_view name, std::string value)
{
  for (auto& header : record.headers) {
    if (header.name == name) {
      header.value = std::move(value);
      return;
    }
  }
  add(record, name, std::move(value));
}

} // namespace put

} // namespace dlq::dialect
