#include "retry/plan.hpp"

#include "dialect/dialect.hpp"
#include "dialect/spring_headers.hpp"
#include "kafka/topic_name.hpp"
#include "util/time.hpp"

#include <fmt/core.h>

#include <algorithm>

namespace dlq::retry {

int32_t
murmur2(std::string_view data) noexcept
{
  // Kafka's Utils.murmur2 (seed 0x9747b28c), in unsigned arithmetic to avoid signed overflow.
  const uint32_t seed = 0x9747b28c;
  const uint32_t m = 0x5bd1e995;
  const int r = 24;
  const auto length = static_cast<uint32_t>(data.size());
  uint32_t h = seed ^ length;
  const auto* bytes = reinterpret_cast<const uint8_t*>(data.data());
  const uint32_t blocks = length / 4;
  for (uint32_t i = 0; i < blocks; ++i) {
    const uint32_t i4 = i * 4;
    uint32_t k = uint32_t(bytes[i4]) | (uint32_t(bytes[i4 + 1]) << 8) | (uint32_t(bytes[i4 + 2]) << 16)
                 | (uint32_t(bytes[i4 + 3]) << 24);
    k *= m;
    k ^= k >> r;
    k *= m;
    h *= m;
    h ^= k;
  }
  const uint32_t tail = length & ~3u;
  switch (length % 4) {
  case 3:
    h ^= uint32_t(bytes[tail + 2]) << 16;
    [[fallthrough]];
  case 2:
    h ^= uint32_t(bytes[tail + 1]) << 8;
    [[fallthrough]];
  case 1:
    h ^= uint32_t(bytes[tail]);
    h *= m;
  }
  h ^= h >> 13;
  h *= m;
  h ^= h >> 15;
  return static_cast<int32_t>(h);
}

std::optional<int32_t>
java_partition(const record::Bytes& key, int32_t partitions)
{
  if (!key || partitions <= 0) {
    return std::nullopt;
  }
  const auto positive = static_cast<uint32_t>(murmur2(*key)) & 0x7fffffffu; // Utils.toPositive
  return static_cast<int32_t>(positive % static_cast<uint32_t>(partitions));
}

record::Record
make_parked(const record::Record& dead_letter, const std::string& park_topic, const std::string& reason, int64_t now_ms)
{
  record::Record parked = dead_letter;
  parked.topic = park_topic;
  parked.partition = -1;
  parked.offset = -1;
  parked.headers.push_back({"dlqcat.parked.reason", reason});
  parked.headers.push_back({"dlqcat.parked.at", util::format_timestamp(now_ms)});
  parked.headers.push_back(
    {"dlqcat.parked.source", fmt::format("{}-{}@{}", dead_letter.topic, dead_letter.partition, dead_letter.offset)});
  return parked;
}

namespace {

// Copies `header` into slot `index` of `headers`, reusing the slot's buffers when it has one.
void
put_header(std::vector<record::Header>& headers, size_t index, const record::Header& header)
{
  if (index < headers.size()) {
    headers[index] = header;
  } else {
    headers.push_back(header);
  }
}

} // namespace

void
plan(const record::Record& dead_letter, const ErrorContext* error, const Counter& counter, const Policy& policy,
     int64_t now_ms, Decision& decision)
{
  decision.reason.clear();
  decision.counter = counter;
  if (!counter.problem.empty()) {
    // Without a count, the loop has no bound: a human looks at it.
    decision.action = Action::Park;
    decision.reason = fmt::format("replay counter {} unreadable: {}", counter.header, counter.problem);
    decision.output = make_parked(dead_letter, policy.park_topic, decision.reason, now_ms);
    return;
  }
  if (counter.value >= policy.max_attempts) {
    decision.action = Action::Park;
    decision.reason = fmt::format("attempts {} reached --max-attempts {}", counter.value, policy.max_attempts);
    decision.output = make_parked(dead_letter, policy.park_topic, decision.reason, now_ms);
    return;
  }

  const std::string* target = policy.to_topic ? &*policy.to_topic : nullptr;
  if (target == nullptr && error != nullptr && error->original.topic && !error->original.topic->empty()) {
    target = &*error->original.topic;
    if (!kafka::is_legal_topic_name(*target)) {
      decision.action = Action::Skip;
      decision.reason = k_illegal_target;
      return;
    }
  }
  if (target == nullptr) {
    decision.action = Action::Skip;
    decision.reason = k_no_target;
    return;
  }

  // Assigned field by field into the previous decision's buffers: replay plans every record.
  auto& out = decision.output;
  out.topic = *target;
  out.offset = -1;
  out.timestamp_type = record::TimestampType::NotAvailable;
  out.key = dead_letter.key;
  out.value = dead_letter.value;
  if (policy.unwrap) {
    std::string problem;
    if (auto inner = dialect::unwrap_envelope(dead_letter, &problem)) {
      out.value = std::move(*inner);
    } else if (!problem.empty()) {
      decision.action = Action::Skip;
      decision.reason = "--unwrap: " + problem;
      return;
    }
  }
  out.partition = -1;
  if (policy.keep_partition) {
    // Checked against the target's partitions by the replayer, which names the record.
    out.partition = error != nullptr && error->original.partition ? *error->original.partition : dead_letter.partition;
  }
  out.timestamp = -1;
  if (!policy.new_timestamp) {
    const bool has_original = error != nullptr && error->original.timestamp && *error->original.timestamp >= 0;
    out.timestamp = has_original ? *error->original.timestamp : dead_letter.timestamp;
  }
  size_t kept = 0;
  for (const auto& header : dead_letter.headers) {
    if (header.name == counter.header) {
      continue; // replaced below
    }
    if (!policy.keep_error_headers && dialect::is_error_header(header.name)) {
      continue;
    }
    put_header(out.headers, kept++, header);
  }
  // The counter, incremented, in the form it was found in (Spring reads its int32 back).
  if (kept == out.headers.size()) {
    out.headers.emplace_back();
  }
  auto& written = out.headers[kept++];
  written.name.assign(counter.header);
  if (!written.value) {
    written.value.emplace();
  }
  write_counter(*written.value, written_value(counter), counter.encoding);
  out.headers.resize(kept);
  if (counter.encoding == CounterEncoding::Text) {
    // spring_json_header_types (Spring's header mapper), when present, must also type the retry
    // header. A Spring Cloud Stream dead letter without one gets one: the binder hands an
    // undeclared header to the application as byte[], and the re-route sample's
    // getHeaders().get("x-retries", Integer.class) then throws (binder 5.0.4, tests/peers).
    dialect::declare_integer_header(out.headers, counter.header, error != nullptr && error->dialect == "scst");
  }
  decision.action = Action::Replay;
}

Decision
plan(const record::Record& dead_letter, const ErrorContext* error, const Policy& policy, int64_t now_ms)
{
  Decision decision;
  plan(dead_letter, error, read_counter(dead_letter, counter_header(policy.retry_header, error)), policy, now_ms,
       decision);
  return decision;
}

} // namespace dlq::retry
