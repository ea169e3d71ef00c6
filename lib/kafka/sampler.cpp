#include "kafka/sampler.hpp"

#include "error.hpp"
#include "kafka/message.hpp"
#include "util/interrupt.hpp"

#include <algorithm>
#include <map>
#include <utility>

namespace dlq::kafka {

namespace {

// Partitions assigned at once: the requests come in priority order (names that look like DLQs
// first), and a later one is assigned only as an earlier one completes, which also bounds what
// librdkafka prefetches.
constexpr size_t k_in_flight = 256;

enum class Phase { Waiting, Oldest, Newest, Done };

struct State
{
  Phase phase = Phase::Waiting;
  int64_t newest_from = 0; // first offset of the newest records
};

} // namespace

ClientConfig
sampling_config(ClientConfig config)
{
  const auto set_default = [&config](const char* name, const char* value) {
    if (config.find(name) == nullptr) {
      config.set(name, value);
    }
  };
  // The end of each partition is an event: a partition whose last offset is a transaction
  // marker (never delivered) still completes.
  config.set("enable.partition.eof", "true");
  config.set("enable.auto.commit", "false");
  config.set("enable.auto.offset.store", "false");
  // Retention may have moved the start since the watermarks were read.
  config.set("auto.offset.reset", "earliest");
  set_default("group.id", "dlqcat-ls"); // never joined, never committed: assign() only
  // A few records per partition: no deep prefetch, and an empty fetch answered quickly.
  set_default("queued.min.messages", "16");
  set_default("queued.max.messages.kbytes", "1024");
  set_default("max.partition.fetch.bytes", "262144");
  set_default("fetch.wait.max.ms", "100");
  return config;
}

std::vector<PartitionSample>
sample_partitions(Consumer& consumer, const std::vector<SampleRequest>& requests, size_t newest,
                  std::chrono::steady_clock::time_point deadline, const std::function<void(size_t, size_t)>& progress)
{
  newest = std::max<size_t>(newest, 1);
  std::vector<PartitionSample> samples(requests.size());
  std::vector<State> states(requests.size());
  std::map<std::pair<std::string, int32_t>, size_t> index;
  for (size_t i = 0; i < requests.size(); ++i) {
    index.emplace(std::pair{requests[i].topic, requests[i].partition}, i);
    const auto& marks = requests[i].marks;
    states[i].newest_from = std::max(marks.low, marks.high - static_cast<int64_t>(newest));
  }

  size_t next = 0;     // the next request to assign
  size_t active = 0;   // assigned, not done
  size_t done = 0;
  const auto assign_more = [&] {
    std::vector<TopicPartition> batch;
    while (next < requests.size() && active < k_in_flight) {
      batch.emplace_back(requests[next].topic, requests[next].partition, requests[next].marks.low);
      states[next].phase = Phase::Oldest;
      ++next;
      ++active;
    }
    if (!batch.empty()) {
      consumer.incremental_assign(batch);
    }
  };
  const auto finish = [&](size_t i, bool complete) {
    states[i].phase = Phase::Done;
    samples[i].complete = complete;
    consumer.incremental_unassign({{requests[i].topic, requests[i].partition}});
    --active;
    ++done;
    if (progress) {
      progress(done, requests.size());
    }
  };
  const auto keep_newest = [&](size_t i, record::Record record) {
    auto& kept = samples[i].newest;
    kept.push_back(std::move(record));
    if (kept.size() > newest) {
      kept.erase(kept.begin());
    }
  };

  assign_more();
  while (done < requests.size() && std::chrono::steady_clock::now() < deadline) {
    if (util::interrupt_requested()) {
      throw Interrupted();
    }
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now());
    const auto message = consumer.poll(std::clamp(left, milliseconds(1), milliseconds(100)));
    if (!message) {
      consumer.check_fatal();
      continue;
    }
    if (message->rkt == nullptr) {
      // A client-wide event (a broker went away and came back): librdkafka retries by itself.
      consumer.check_fatal();
      continue;
    }
    const auto it = index.find(std::pair{std::string(rd_kafka_topic_name(message->rkt)), message->partition});
    if (it == index.end()) {
      continue;
    }
    const size_t i = it->second;
    auto& state = states[i];
    if (state.phase != Phase::Oldest && state.phase != Phase::Newest) {
      continue; // fetched before its partition was unassigned
    }
    const int64_t last = requests[i].marks.high - 1;
    if (message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      finish(i, true);
      assign_more();
      continue;
    }
    if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      finish(i, false); // deleted, unauthorised...: what was read so far stands
      assign_more();
      continue;
    }
    if (state.phase == Phase::Newest && message->offset < state.newest_from) {
      continue; // from before the jump
    }
    auto record = to_record(*message);
    if (state.phase == Phase::Oldest) {
      samples[i].oldest = record;
      if (state.newest_from > message->offset + 1) {
        // Far from the end: jump there rather than read everything in between.
        const std::vector<TopicPartition> tp{{requests[i].topic, requests[i].partition, state.newest_from}};
        consumer.incremental_unassign(tp);
        consumer.incremental_assign(tp);
        state.phase = Phase::Newest;
        continue;
      }
      state.phase = Phase::Newest; // the newest records follow directly
    }
    keep_newest(i, std::move(record));
    if (message->offset >= last) {
      finish(i, true);
      assign_more();
    }
  }
  // Whatever is still assigned is left to the consumer's close.
  return samples;
}

} // namespace dlq::kafka
