#include "kafka/admin.hpp"

#include "error.hpp"
#include "kafka/handles.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <thread>

namespace dlq::kafka {

namespace {

using QueuePtr = std::unique_ptr<rd_kafka_queue_t, CDeleter<rd_kafka_queue_destroy>>;
using EventPtr = std::unique_ptr<rd_kafka_event_t, CDeleter<rd_kafka_event_destroy>>;
using AdminOptionsPtr = std::unique_ptr<rd_kafka_AdminOptions_t, CDeleter<rd_kafka_AdminOptions_destroy>>;
using ConfigResourcePtr = std::unique_ptr<rd_kafka_ConfigResource_t, CDeleter<rd_kafka_ConfigResource_destroy>>;
using NewTopicPtr = std::unique_ptr<rd_kafka_NewTopic_t, CDeleter<rd_kafka_NewTopic_destroy>>;
using ListGroupOffsetsPtr =
  std::unique_ptr<rd_kafka_ListConsumerGroupOffsets_t, CDeleter<rd_kafka_ListConsumerGroupOffsets_destroy>>;

AdminOptionsPtr
make_options(rd_kafka_t* rk, rd_kafka_admin_op_t op, milliseconds timeout)
{
  AdminOptionsPtr options(rd_kafka_AdminOptions_new(rk, op));
  char error[256] = {};
  if (rd_kafka_AdminOptions_set_request_timeout(options.get(), static_cast<int>(timeout.count()), error, sizeof error) !=
      RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw KafkaError(fmt::format("admin request timeout: {}", error));
  }
  return options;
}

// Waits for the admin result on `queue`; throws when the request as a whole failed.
EventPtr
wait_result(rd_kafka_queue_t* queue, milliseconds timeout, const std::string& what)
{
  // The request times out by itself after `timeout`; the extra second lets that answer arrive.
  EventPtr event(rd_kafka_queue_poll(queue, static_cast<int>(timeout.count()) + 1000));
  if (!event) {
    throw KafkaError(fmt::format("{}: no answer within {} ms", what, timeout.count()), RD_KAFKA_RESP_ERR__TIMED_OUT);
  }
  if (const auto err = rd_kafka_event_error(event.get()); err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw KafkaError(fmt::format("{}: {}", what, rd_kafka_event_error_string(event.get())), err);
  }
  return event;
}

// The single resource of a DescribeConfigs/AlterConfigs result; throws its error.
const rd_kafka_ConfigResource_t*
single_resource(const rd_kafka_ConfigResource_t** resources, size_t count, const std::string& what)
{
  if (count != 1) {
    throw KafkaError(fmt::format("{}: the broker answered {} resources", what, count));
  }
  if (const auto err = rd_kafka_ConfigResource_error(resources[0]); err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    const char* text = rd_kafka_ConfigResource_error_string(resources[0]);
    throw KafkaError(fmt::format("{}: {}", what, text != nullptr ? text : rd_kafka_err2str(err)), err);
  }
  return resources[0];
}

// Answers that change by themselves: a group coordinator loading, moving or not yet elected, an
// offset commit inside an open transaction.
bool
coordinator_busy(rd_kafka_resp_err_t err) noexcept
{
  return err == RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS || err == RD_KAFKA_RESP_ERR_NOT_COORDINATOR ||
         err == RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE || err == RD_KAFKA_RESP_ERR_UNSTABLE_OFFSET_COMMIT;
}

} // namespace

std::vector<ConfigEntry>
describe_topic_configs(Client& client, const std::string& topic, milliseconds timeout)
{
  const auto what = fmt::format("describe configs of topic \"{}\"", topic);
  rd_kafka_t* rk = client.handle();
  QueuePtr queue(rd_kafka_queue_new(rk));
  ConfigResourcePtr resource(rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic.c_str()));
  auto options = make_options(rk, RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS, timeout);
  rd_kafka_ConfigResource_t* resources[] = {resource.get()};
  rd_kafka_DescribeConfigs(rk, resources, 1, options.get(), queue.get());

  const auto event = wait_result(queue.get(), timeout, what);
  const auto* result = rd_kafka_event_DescribeConfigs_result(event.get());
  size_t count = 0;
  const auto** described = rd_kafka_DescribeConfigs_result_resources(result, &count);
  const auto* topic_resource = single_resource(described, count, what);

  std::vector<ConfigEntry> entries;
  size_t config_count = 0;
  const auto** configs = rd_kafka_ConfigResource_configs(topic_resource, &config_count);
  for (size_t i = 0; i < config_count; ++i) {
    ConfigEntry entry;
    entry.name = rd_kafka_ConfigEntry_name(configs[i]);
    if (const char* value = rd_kafka_ConfigEntry_value(configs[i])) {
      entry.value = value;
    }
    entry.dynamic_topic = rd_kafka_ConfigEntry_source(configs[i]) == RD_KAFKA_CONFIG_SOURCE_DYNAMIC_TOPIC_CONFIG;
    entry.is_default = rd_kafka_ConfigEntry_is_default(configs[i]) != 0;
    entry.read_only = rd_kafka_ConfigEntry_is_read_only(configs[i]) != 0;
    entry.sensitive = rd_kafka_ConfigEntry_is_sensitive(configs[i]) != 0;
    entries.push_back(std::move(entry));
  }
  return entries;
}

void
alter_topic_configs(Client& client, const std::string& topic, const std::map<std::string, std::string>& configs,
                    milliseconds timeout, AlterMode mode)
{
  const auto what =
    fmt::format("{} configs of topic \"{}\"", mode == AlterMode::ValidateOnly ? "validate" : "alter", topic);
  rd_kafka_t* rk = client.handle();
  QueuePtr queue(rd_kafka_queue_new(rk));
  ConfigResourcePtr resource(rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic.c_str()));
  for (const auto& [name, value] : configs) {
    if (const auto err = rd_kafka_ConfigResource_set_config(resource.get(), name.c_str(), value.c_str());
        err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      throw_kafka_error(fmt::format("{}: {}", what, name), err);
    }
  }
  auto options = make_options(rk, RD_KAFKA_ADMIN_OP_ALTERCONFIGS, timeout);
  if (mode == AlterMode::ValidateOnly) {
    char error[256] = {};
    if (rd_kafka_AdminOptions_set_validate_only(options.get(), 1, error, sizeof error) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      throw KafkaError(fmt::format("{}: {}", what, error));
    }
  }
  rd_kafka_ConfigResource_t* resources[] = {resource.get()};
  rd_kafka_AlterConfigs(rk, resources, 1, options.get(), queue.get());

  const auto event = wait_result(queue.get(), timeout, what);
  const auto* result = rd_kafka_event_AlterConfigs_result(event.get());
  size_t count = 0;
  const auto** altered = rd_kafka_AlterConfigs_result_resources(result, &count);
  single_resource(altered, count, what);
}

void
create_topic(Client& client, const std::string& topic, int partitions, int replication, milliseconds timeout)
{
  const auto what = fmt::format("create topic \"{}\"", topic);
  rd_kafka_t* rk = client.handle();
  char error[256] = {};
  NewTopicPtr new_topic(rd_kafka_NewTopic_new(topic.c_str(), partitions, replication, error, sizeof error));
  if (!new_topic) {
    throw KafkaError(fmt::format("{}: {}", what, error));
  }
  QueuePtr queue(rd_kafka_queue_new(rk));
  auto options = make_options(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS, timeout);
  rd_kafka_NewTopic_t* topics[] = {new_topic.get()};
  rd_kafka_CreateTopics(rk, topics, 1, options.get(), queue.get());

  const auto event = wait_result(queue.get(), timeout, what);
  const auto* result = rd_kafka_event_CreateTopics_result(event.get());
  size_t count = 0;
  const auto** created = rd_kafka_CreateTopics_result_topics(result, &count);
  if (count != 1) {
    throw KafkaError(fmt::format("{}: the broker answered {} topics", what, count));
  }
  if (const auto err = rd_kafka_topic_result_error(created[0]); err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    const char* text = rd_kafka_topic_result_error_string(created[0]);
    throw KafkaError(fmt::format("{}: {}", what, text != nullptr ? text : rd_kafka_err2str(err)), err);
  }
}

GroupListing
list_group_offsets(Client& client, milliseconds timeout)
{
  GroupListing listing;
  rd_kafka_t* rk = client.handle();
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const auto left = [&deadline] {
    return std::max(milliseconds(1), std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now()));
  };

  std::vector<std::string> names;
  // A broker whose group coordinator is still loading answers ListGroups with the groups it has
  // loaded and COORDINATOR_LOAD_IN_PROGRESS: asked again (after 200 ms) while time is left.
  while (true) {
    QueuePtr queue(rd_kafka_queue_new(rk));
    auto options = make_options(rk, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPS, left());
    // On a broker without ListGroups (librdkafka's mock cluster) librdkafka 2.0.2 answers
    // UNSUPPORTED_FEATURE and keeps a reference to the handle's op queue it never releases, so
    // 176 bytes outlive rd_kafka_destroy whatever handle asks: a leak inside librdkafka that
    // tests/lsan.supp suppresses, with the cause.
    rd_kafka_ListConsumerGroups(rk, options.get(), queue.get());
    EventPtr event(rd_kafka_queue_poll(queue.get(), static_cast<int>(left().count()) + 1000));
    if (!event) {
      listing.error = fmt::format("ListConsumerGroups: no answer within {} ms", timeout.count());
      return listing;
    }
    if (rd_kafka_event_error(event.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      listing.error = fmt::format("ListConsumerGroups: {}", rd_kafka_event_error_string(event.get()));
      return listing;
    }
    const auto* result = rd_kafka_event_ListConsumerGroups_result(event.get());
    size_t error_count = 0;
    const auto** errors = rd_kafka_ListConsumerGroups_result_errors(result, &error_count);
    size_t count = 0;
    const auto** valid = rd_kafka_ListConsumerGroups_result_valid(result, &count);
    bool busy = false;
    for (size_t i = 0; i < error_count; ++i) {
      busy = busy || coordinator_busy(rd_kafka_error_code(errors[i]));
    }
    if (busy && std::chrono::steady_clock::now() + milliseconds(200) < deadline) {
      std::this_thread::sleep_for(milliseconds(200));
      continue;
    }
    // Errors come per broker (the mock's "unsupported" among them); with no group listed at all,
    // nothing is known.
    if (error_count > 0 && count == 0) {
      listing.error = fmt::format("ListConsumerGroups: {}", rd_kafka_error_string(errors[0]));
      return listing;
    }
    for (size_t i = 0; i < count; ++i) {
      names.emplace_back(rd_kafka_ConsumerGroupListing_group_id(valid[i]));
    }
    if (error_count > 0) {
      listing.unreadable.push_back(fmt::format("(some brokers): {}", rd_kafka_error_string(errors[0])));
    }
    break;
  }
  listing.known = true;

  // One request per group, all in flight at once on one queue, each tagged with its index
  // (rd_kafka_AdminOptions_set_opaque). A coordinator that is still loading or moving answers
  // with a retriable error (a fresh cluster does): those groups are asked again while time is left.
  std::vector<size_t> pending(names.size());
  for (size_t i = 0; i < pending.size(); ++i) {
    pending[i] = i;
  }
  std::map<size_t, std::string> last_error;
  while (!pending.empty()) {
    QueuePtr queue(rd_kafka_queue_new(rk));
    std::vector<AdminOptionsPtr> options;
    for (const auto index : pending) {
      options.push_back(make_options(rk, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS, left()));
      rd_kafka_AdminOptions_set_opaque(options.back().get(), reinterpret_cast<void*>(index));
      // No partitions: every partition the group has committed (librdkafka src/rdkafka.h,
      // rd_kafka_ListConsumerGroupOffsets_new; OffsetFetch with a null topic array).
      ListGroupOffsetsPtr request(rd_kafka_ListConsumerGroupOffsets_new(names[index].c_str(), nullptr));
      rd_kafka_ListConsumerGroupOffsets_t* requests[] = {request.get()};
      rd_kafka_ListConsumerGroupOffsets(rk, requests, 1, options.back().get(), queue.get());
    }
    std::vector<size_t> again;
    size_t answered = 0;
    for (; answered < pending.size(); ++answered) {
      EventPtr event(rd_kafka_queue_poll(queue.get(), static_cast<int>(left().count()) + 1000));
      if (!event) {
        break;
      }
      const auto index = reinterpret_cast<size_t>(rd_kafka_event_opaque(event.get()));
      if (const auto err = rd_kafka_event_error(event.get()); err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        last_error[index] = rd_kafka_event_error_string(event.get());
        if (coordinator_busy(err)) {
          again.push_back(index);
        }
        continue;
      }
      const auto* result = rd_kafka_event_ListConsumerGroupOffsets_result(event.get());
      size_t count = 0;
      const auto** groups = rd_kafka_ListConsumerGroupOffsets_result_groups(result, &count);
      for (size_t i = 0; i < count; ++i) {
        if (const auto* error = rd_kafka_group_result_error(groups[i])) {
          last_error[index] = rd_kafka_error_string(error);
          if (rd_kafka_error_is_retriable(error) != 0) {
            again.push_back(index);
          }
          continue;
        }
        GroupOffsets group{rd_kafka_group_result_name(groups[i]), {}};
        bool retry = false;
        if (const auto* partitions = rd_kafka_group_result_partitions(groups[i])) {
          for (int p = 0; p < partitions->cnt; ++p) {
            const auto& tp = partitions->elems[p];
            if (coordinator_busy(tp.err)) {
              last_error[index] = fmt::format("{} [{}]: {}", tp.topic, tp.partition, rd_kafka_err2str(tp.err));
              retry = true;
              continue;
            }
            if (tp.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
              continue; // a topic deleted since the commit, say: nothing to show for it
            }
            std::string metadata;
            if (tp.metadata != nullptr && tp.metadata_size > 0) {
              metadata.assign(static_cast<const char*>(tp.metadata), tp.metadata_size);
            }
            group.offsets.emplace_back(tp.topic, tp.partition, tp.offset, std::move(metadata));
          }
        }
        if (retry) {
          again.push_back(index);
          continue;
        }
        last_error.erase(index);
        listing.groups.push_back(std::move(group));
      }
    }
    if (answered < pending.size()) {
      listing.unreadable.push_back(
        fmt::format("{} groups: no answer within {} ms", pending.size() - answered, timeout.count()));
      break;
    }
    if (!again.empty() && std::chrono::steady_clock::now() + milliseconds(200) < deadline) {
      std::this_thread::sleep_for(milliseconds(200));
      pending = std::move(again);
      continue;
    }
    break;
  }
  for (const auto& [index, error] : last_error) {
    listing.unreadable.push_back(fmt::format("{}: {}", names[index], error));
  }
  std::sort(listing.groups.begin(), listing.groups.end(), [](const auto& a, const auto& b) { return a.group < b.group; });
  return listing;
}

} // namespace dlq::kafka
