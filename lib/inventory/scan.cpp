#include "inventory/scan.hpp"

#include "dialect/dialect.hpp"
#include "error.hpp"
#include "kafka/admin.hpp"
#include "kafka/sampler.hpp"

#include <fmt/core.h>
#include <re2/re2.h>

#include <algorithm>
#include <future>
#include <map>
#include <memory>
#include <tuple>

namespace dlq::inventory {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

milliseconds
left_until(Clock::time_point deadline)
{
  return std::max(milliseconds(1), std::chrono::duration_cast<milliseconds>(deadline - Clock::now()));
}

} // namespace

ScanResult
scan(const kafka::ClientConfig& config, const ScanOptions& options, const std::function<void(size_t, size_t)>& progress)
{
  std::unique_ptr<RE2> regex;
  if (!options.topic_regex.empty()) {
    RE2::Options re2_options;
    re2_options.set_log_errors(false); // RE2 would print to stderr; the error goes into the message
    regex = std::make_unique<RE2>(options.topic_regex, re2_options);
    if (!regex->ok()) {
      throw UsageError(fmt::format("-t: invalid regular expression \"{}\": {}", options.topic_regex, regex->error()));
    }
  }
  const auto started = Clock::now();
  const auto deadline = started + options.timeout;
  ScanResult result;

  kafka::Consumer consumer(kafka::sampling_config(config));
  // One metadata request for the whole cluster.
  std::vector<kafka::TopicMetadata> topics;
  for (auto& topic : consumer.all_topics(std::min(options.timeout, kafka::k_connect_timeout))) {
    if (is_internal(topic.name)) {
      continue;
    }
    ++result.info.topics_seen;
    if (regex && !RE2::PartialMatch(topic.name, *regex)) {
      continue;
    }
    topics.push_back(std::move(topic));
  }

  // Watermarks of every partition in one batch (ListOffsets per leader, earliest then latest).
  std::vector<kafka::TopicPartition> all;
  for (const auto& topic : topics) {
    for (const auto partition : topic.partitions) {
      all.emplace_back(topic.name, partition);
    }
  }
  const auto marks = all.empty() ? std::vector<kafka::Watermarks>{} : consumer.watermarks(all, left_until(deadline));

  // Consumer groups meanwhile: librdkafka's admin calls are thread-safe and answer on their own
  // queues, so they run beside the sampling consumer's polls.
  auto groups = std::async(std::launch::async,
                           [&consumer, deadline] { return kafka::list_group_offsets(consumer, left_until(deadline)); });

  std::vector<TopicFacts> facts(topics.size());
  std::vector<kafka::SampleRequest> requests;
  std::vector<size_t> request_topic;
  for (size_t t = 0, k = 0; t < topics.size(); ++t) {
    facts[t].topic = topics[t].name;
    facts[t].partitions = topics[t].partitions;
    for (const auto partition : topics[t].partitions) {
      facts[t].marks.push_back(marks[k]);
      if (marks[k].high > marks[k].low) {
        requests.push_back({topics[t].name, partition, marks[k]});
        request_topic.push_back(t);
      }
      ++k;
    }
  }
  // Names that look like DLQs first, platform topics last: what the deadline cuts is the rest.
  std::vector<size_t> order(requests.size());
  for (size_t i = 0; i < order.size(); ++i) {
    order[i] = i;
  }
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return sampling_priority(requests[a].topic) < sampling_priority(requests[b].topic);
  });
  std::vector<kafka::SampleRequest> ordered;
  ordered.reserve(order.size());
  for (const auto i : order) {
    ordered.push_back(requests[i]);
  }

  std::vector<kafka::PartitionSample> samples;
  try {
    samples = kafka::sample_partitions(consumer, ordered, options.sample, deadline, progress);
  } catch (...) {
    groups.wait(); // the thread uses the consumer: it must end before the consumer does
    throw;
  }

  ErrorContext error;
  dialect::Decoder decoder;
  size_t cut_short = 0;
  for (size_t j = 0; j < ordered.size(); ++j) {
    auto& topic_facts = facts[request_topic[order[j]]];
    const auto& sample = samples[j];
    if (!sample.complete) {
      topic_facts.sample_complete = false;
      ++cut_short;
    }
    const auto add = [&](const record::Record& record) {
      topic_facts.sample.add(record, decoder.decode(record, error) ? &error : nullptr);
    };
    if (sample.oldest) {
      if (sample.oldest->timestamp >= 0) {
        topic_facts.oldest = std::min(topic_facts.oldest.value_or(sample.oldest->timestamp), sample.oldest->timestamp);
      }
      if (sample.newest.empty() || sample.newest.front().offset != sample.oldest->offset) {
        add(*sample.oldest);
      }
    }
    for (const auto& record : sample.newest) {
      if (record.timestamp >= 0) {
        topic_facts.newest = std::max(topic_facts.newest.value_or(record.timestamp), record.timestamp);
      }
      add(record);
    }
  }

  auto listing = groups.get();
  result.info.groups_known = listing.known;
  result.info.groups_error = listing.error;
  for (const auto& topic_facts : facts) {
    auto dlq = classify(topic_facts);
    if (!dlq) {
      if (looks_like_dlq(topic_facts.topic) && records_held(topic_facts.marks) > 0 && topic_facts.sample.records() > 0) {
        result.notes.push_back(fmt::format(
          "{} is named like a dead-letter topic but its {} sampled records carry no error headers: not listed",
          topic_facts.topic, topic_facts.sample.records()));
      }
      continue;
    }
    if (listing.known) {
      dlq->groups = group_lags(topic_facts.topic, topic_facts.partitions, topic_facts.marks, listing.groups);
    }
    result.topics.push_back(std::move(*dlq));
  }
  if (!listing.known) {
    result.notes.push_back(fmt::format("consumer groups unknown: {}", listing.error));
  }
  for (const auto& problem : listing.unreadable) {
    result.notes.push_back(fmt::format("consumer group offsets not read: {}", problem));
  }
  if (cut_short > 0) {
    result.notes.push_back(fmt::format("{} of {} partitions not sampled to their end within {} ms (--timeout)", cut_short,
                                       ordered.size(), options.timeout.count()));
  }
  result.info.duration_seconds = std::chrono::duration<double>(Clock::now() - started).count();
  result.info.finished_ms =
    std::chrono::duration_cast<milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  return result;
}

} // namespace dlq::inventory
