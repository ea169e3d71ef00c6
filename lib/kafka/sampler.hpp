#pragma once

// dlqcat ls: the first record and the newest few records of many partitions at once, in bounded
// time. One consumer (no group: nothing is committed) holds every partition; librdkafka fetches
// them in parallel, one fetch request per leader. A partition whose oldest record is far from
// its newest ones is assigned again at its end once its first record arrived
// (incremental assign/unassign), so no record between them is fetched.

#include "kafka/consumer.hpp"
#include "record/record.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace dlq::kafka {

struct SampleRequest
{
  std::string topic;
  int32_t partition = 0;
  Watermarks marks; // low < high: there is something to read
};

struct PartitionSample
{
  std::optional<record::Record> oldest; // the first record still held (retention may move it)
  std::vector<record::Record> newest;   // up to `newest` records ending at high - 1, in order
  bool complete = false;                // both were read before the deadline (or the end was reached)
};

// Results in the order of `requests`. Stops at `deadline` with what it has; `progress(done,
// total)` is called as partitions complete. Throws KafkaError on a fatal client error and
// Interrupted on SIGINT/SIGTERM.
std::vector<PartitionSample> sample_partitions(Consumer& consumer, const std::vector<SampleRequest>& requests,
                                               size_t newest, std::chrono::steady_clock::time_point deadline,
                                               const std::function<void(size_t, size_t)>& progress);

// Properties a sampling consumer needs (added to `config` where the user set nothing else).
ClientConfig sampling_config(ClientConfig config);

} // namespace dlq::kafka
