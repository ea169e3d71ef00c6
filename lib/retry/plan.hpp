#pragma once

// The replay-or-park decision for one dead letter (pure): where it goes, with which headers, and
// why. replay and park apply it; `replay --dry-run` only counts it.

#include "error_context.hpp"
#include "record/record.hpp"
#include "retry/counter.hpp"

#include <optional>
#include <string>

namespace dlq::retry {

struct Policy
{
  std::optional<std::string> to_topic; // --to; else the decoded original topic
  std::string park_topic;              // --park-topic (default <dlq>.parking-lot)
  int32_t max_attempts = 3;            // records whose replay counter reached this are parked
  // --retry-header: the replay counter (retry/counter.hpp); std::nullopt: x-retries, or
  // retry_topic-attempts on Spring retry-topic records.
  std::optional<std::string> retry_header;
  bool keep_partition = false;
  bool keep_error_headers = false;
  bool new_timestamp = false;
  bool unwrap = false;                 // republish the payload inside a JSON error envelope
};

enum class Action { Replay, Park, Skip };

struct Decision
{
  Action action = Action::Skip;
  record::Record output;  // what to produce (Replay, Park); output.partition -1 = by key
  std::string reason;     // why it was parked or skipped
  Counter counter;        // the replay counter as read (before this replay)
};

// Why a record is skipped (also the keys of ReplayStats::skip_reasons).
inline constexpr std::string_view k_no_target = "no original topic in its headers and no --to";
inline constexpr std::string_view k_illegal_target = "its original topic is not a legal Kafka topic name, and no --to";

// `now_ms` stamps dlqcat.parked.at. `error` is the record's decoded context (may be nullptr).
// Parked: an unreadable replay counter, or one that reached max_attempts. Skipped: no target, or
// an original topic Kafka would not accept (a NUL, a space: never cut short to a legal name).
Decision plan(const record::Record& dead_letter, const ErrorContext* error, const Policy& policy, int64_t now_ms);
// The same into `decision`, reusing its buffers (replay plans every record of a DLQ), with the
// record's replay counter read already.
void plan(const record::Record& dead_letter, const ErrorContext* error, const Counter& counter, const Policy& policy,
          int64_t now_ms, Decision& decision);

// A record moved to the parking lot: the dead letter unchanged plus dlqcat.parked.reason,
// dlqcat.parked.at (ISO 8601 UTC) and dlqcat.parked.source (topic-partition@offset).
record::Record make_parked(const record::Record& dead_letter, const std::string& park_topic, const std::string& reason,
                           int64_t now_ms);

// The partition a Java producer's default partitioner gives a keyed record: murmur2 of the key,
// made positive, modulo the partition count (kafka clients, common/utils/Utils.java murmur2 and
// toPositive; producer/internals/BuiltInPartitioner.partitionForKey). std::nullopt for a null key.
std::optional<int32_t> java_partition(const record::Bytes& key, int32_t partitions);

int32_t murmur2(std::string_view data) noexcept;

} // namespace dlq::retry
