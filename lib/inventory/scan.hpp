#pragma once

// dlqcat ls, the gathering: one metadata request, the watermarks of every partition in one
// batch, the consumer groups' committed offsets (in parallel with the sampling), and a sample of
// the first and newest records of each non-empty partition, all within one deadline.

#include "inventory/inventory.hpp"
#include "kafka/config.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace dlq::inventory {

struct ScanOptions
{
  std::string topic_regex;                       // empty: every topic (RE2, partial match)
  size_t sample = 5;                             // newest records read per partition
  std::chrono::milliseconds timeout{10000};      // the whole scan
};

struct ScanResult
{
  std::vector<DlqTopic> topics; // sorted by name
  ScanInfo info;
  std::vector<std::string> notes; // for stderr: what the listing cannot show
};

// `progress(done, total)` as partitions are sampled. Throws UsageError for a bad regex,
// KafkaError when the cluster cannot be reached or refuses the metadata or watermark requests,
// Interrupted on SIGINT/SIGTERM.
ScanResult scan(const kafka::ClientConfig& config, const ScanOptions& options,
                const std::function<void(size_t, size_t)>& progress);

} // namespace dlq::inventory
