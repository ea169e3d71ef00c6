#include "kafka/client.hpp"

#include "error.hpp"

#include <fmt/core.h>

#include <algorithm>

namespace dlq::kafka {

void
throw_kafka_error(const std::string& what, rd_kafka_resp_err_t err)
{
  throw KafkaError(fmt::format("{}: {}", what, rd_kafka_err2str(err)), err);
}

bool
is_unknown_topic(const KafkaError& error) noexcept
{
  return error.code() == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART;
}

std::string
error_string(rd_kafka_resp_err_t err)
{
  return rd_kafka_err2str(err);
}

std::string
error_text(const rd_kafka_error_t& error)
{
  return fmt::format("{} ({})", rd_kafka_error_string(&error), rd_kafka_error_name(&error));
}

bool
error_is_retriable(const rd_kafka_error_t& error) noexcept
{
  return rd_kafka_error_is_retriable(&error) != 0;
}

bool
error_requires_abort(const rd_kafka_error_t& error) noexcept
{
  return rd_kafka_error_txn_requires_abort(&error) != 0;
}

void
throw_transaction_error(const std::string& step, const rd_kafka_error_t& error)
{
  throw KafkaError(fmt::format("{}: {}", step, error_text(error)), rd_kafka_error_code(&error),
                   rd_kafka_error_is_fatal(&error) != 0, rd_kafka_error_is_retriable(&error) != 0);
}

void
Client::create(rd_kafka_type_t type, const ClientConfig& config)
{
  m_events = std::make_unique<ClientEvents>();
  m_events->owner = this;
  const auto* bootstrap = config.find("bootstrap.servers");
  if (bootstrap == nullptr) {
    bootstrap = config.find("metadata.broker.list");
  }
  if (bootstrap == nullptr || bootstrap->empty()) {
    throw UsageError("no broker given: use -b BROKERS, $DLQCAT_BROKERS or bootstrap.servers in the config file");
  }
  m_bootstrap = *bootstrap;
  auto conf = make_conf(config, *m_events);
  configure(conf.get());
  m_handle = make_handle(type, conf);
}

MetadataPtr
Client::wait_for_metadata(rd_kafka_topic_t* only, milliseconds timeout,
                          const std::function<bool(const rd_kafka_metadata_t&)>& complete)
{
  // Ask in short slices so that "every broker refused the connection" ends the wait early.
  // Each slice is twice the last: a request that times out is not answered later, so slices
  // shorter than the broker's round trip would never be answered at all.
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + timeout;
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR__TIMED_OUT;
  milliseconds slice(250);
  for (auto now = start; now < deadline; now = std::chrono::steady_clock::now()) {
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - now) + milliseconds(1);
    const rd_kafka_metadata_t* raw = nullptr;
    err = rd_kafka_metadata(m_handle.get(), only == nullptr ? 1 : 0, only, &raw,
                            static_cast<int>(std::min(slice, left).count()));
    slice *= 2;
    MetadataPtr metadata(raw);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR && metadata && complete(*metadata)) {
      return metadata;
    }
    serve_events();
    if (m_events->all_brokers_down) {
      throw KafkaError(fmt::format("cannot reach any broker of {}", m_bootstrap), RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN);
    }
  }
  throw KafkaError(fmt::format("no answer from {} within {} ms", m_bootstrap, timeout.count()), err);
}

std::vector<int32_t>
Client::partitions(const std::string& topic, milliseconds timeout)
{
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(m_handle.get(), topic.c_str(), nullptr);
  if (rkt == nullptr) {
    throw_kafka_error(fmt::format("topic \"{}\"", topic), rd_kafka_last_error());
  }
  std::unique_ptr<rd_kafka_topic_t, CDeleter<rd_kafka_topic_destroy>> topic_handle(rkt);

  const auto metadata = wait_for_metadata(rkt, timeout, [&](const rd_kafka_metadata_t& answer) {
    if (answer.topic_cnt != 1) {
      return false;
    }
    const auto& t = answer.topics[0];
    if (t.err != RD_KAFKA_RESP_ERR_NO_ERROR && t.err != RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE) {
      throw_kafka_error(fmt::format("topic \"{}\"", topic), t.err);
    }
    return t.err == RD_KAFKA_RESP_ERR_NO_ERROR && t.partition_cnt > 0;
  });
  const auto& t = metadata->topics[0];
  std::vector<int32_t> ids;
  ids.reserve(t.partition_cnt);
  for (int i = 0; i < t.partition_cnt; ++i) {
    ids.push_back(t.partitions[i].id);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::vector<std::string>
Client::topics(milliseconds timeout)
{
  const auto metadata = wait_for_metadata(nullptr, timeout, [](const rd_kafka_metadata_t&) { return true; });
  std::vector<std::string> names;
  for (int i = 0; i < metadata->topic_cnt; ++i) {
    const std::string name = metadata->topics[i].topic;
    if (name != "__consumer_offsets" && name != "__transaction_state") {
      names.push_back(name);
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<TopicMetadata>
Client::all_topics(milliseconds timeout)
{
  const auto metadata = wait_for_metadata(nullptr, timeout, [](const rd_kafka_metadata_t&) { return true; });
  std::vector<TopicMetadata> topics;
  topics.reserve(static_cast<size_t>(metadata->topic_cnt));
  for (int i = 0; i < metadata->topic_cnt; ++i) {
    const auto& t = metadata->topics[i];
    if (t.err != RD_KAFKA_RESP_ERR_NO_ERROR || t.partition_cnt <= 0) {
      continue;
    }
    TopicMetadata topic{t.topic, {}};
    topic.partitions.reserve(static_cast<size_t>(t.partition_cnt));
    for (int p = 0; p < t.partition_cnt; ++p) {
      topic.partitions.push_back(t.partitions[p].id);
    }
    std::sort(topic.partitions.begin(), topic.partitions.end());
    topics.push_back(std::move(topic));
  }
  std::sort(topics.begin(), topics.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return topics;
}

Watermarks
Client::watermarks(const std::string& topic, int32_t partition, milliseconds timeout)
{
  Watermarks marks;
  const auto err = rd_kafka_query_watermark_offsets(
    m_handle.get(), topic.c_str(), partition, &marks.low, &marks.high, static_cast<int>(timeout.count()));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw_kafka_error(fmt::format("watermarks of {} [{}]", topic, partition), err);
  }
  return marks;
}

void
Client::check_fatal() const
{
  if (m_events->fatal_error != 0) {
    char reason[512];
    const auto err = rd_kafka_fatal_error(m_handle.get(), reason, sizeof(reason));
    throw KafkaError(fmt::format("fatal Kafka error: {}", reason), err, true);
  }
}

} // namespace dlq::kafka
