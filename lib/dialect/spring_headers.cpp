#include "dialect/spring_headers.hpp"

#include "dialect/spec.hpp"
#include "dialect/values.hpp"
#include "util/json_scan.hpp"

#include <nlohmann/json.hpp>

namespace dlq::dialect {

void
encode_recoverer_headers(const ErrorContext& context, record::Record& record, const RecovererHeaderNames& names,
                         OriginalHeaders originals)
{
  const auto& e = context.exception;
  if (e.class_name) {
    put::replace(record, names.exception_class, *e.class_name);
  }
  if (e.cause_class) {
    put::replace(record, names.cause_class, *e.cause_class);
  } else if (context.key_exception.cause_class) {
    // One cause header serves both: the key's when the value has no exception (engine.cpp).
    put::replace(record, names.cause_class, *context.key_exception.cause_class);
  }
  if (e.message) {
    put::replace(record, names.exception_message, *e.message);
  }
  if (e.stacktrace) {
    put::replace(record, names.exception_stacktrace, *e.stacktrace);
  }
  const auto& k = context.key_exception;
  if (k.class_name) {
    put::replace(record, names.key_exception_class, *k.class_name);
  }
  if (k.message) {
    put::replace(record, names.key_exception_message, *k.message);
  }
  if (k.stacktrace) {
    put::replace(record, names.key_exception_stacktrace, *k.stacktrace);
  }
  const auto put_original = originals == OriginalHeaders::Append ? put::add : put::add_if_absent;
  const auto& o = context.original;
  if (o.topic) {
    put_original(record, names.original_topic, *o.topic);
  }
  if (o.partition) {
    put_original(record, names.original_partition, values::encode_i32(*o.partition));
  }
  if (o.offset) {
    put_original(record, names.original_offset, values::encode_i64(*o.offset));
  }
  if (o.timestamp) {
    put_original(record, names.original_timestamp, values::encode_i64(*o.timestamp));
  }
  if (o.timestamp_type) {
    put_original(record, names.original_timestamp_type, *o.timestamp_type);
  }
  if (o.group) {
    put_original(record, names.original_group, *o.group);
  }
}

void
declare_integer_header(std::vector<record::Header>& headers, std::string_view header_name, bool add_when_absent)
{
  bool found = false;
  for (auto& header : headers) {
    if (header.name != k_json_header_types || !header.value) {
      continue;
    }
    found = true;
    if (util::json_nests_deeper_than(*header.value)) {
      continue; // not a map of names to types: not ours to repair (and dump() would recurse)
    }
    auto types = nlohmann::json::parse(*header.value, nullptr, false);
    if (types.is_object()) {
      types[std::string(header_name)] = "java.lang.Integer";
      header.value = types.dump();
    }
  }
  if (!found && add_when_absent) {
    headers.push_back({std::string(k_json_header_types),
                       nlohmann::json{{std::string(header_name), "java.lang.Integer"}}.dump()});
  }
}

} // namespace dlq::dialect
