#include "kafka/record_source.hpp"

#include "error.hpp"
#include "kafka/message.hpp"
#include "util/interrupt.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <charconv>
#include <limits>

namespace dlq::kafka {

namespace {

// The "end offset" of a partition that only e@ can end.
constexpr int64_t k_no_end = std::numeric_limits<int64_t>::max();

// librdkafka refuses a fetch.max.bytes below message.max.bytes (default 1,000,000). A value that
// is not a number is left for librdkafka to reject in its own words.
int64_t
message_max_bytes(const ClientConfig& config)
{
  int64_t bytes = 1000000;
  if (const auto* value = config.find("message.max.bytes")) {
    std::from_chars(value->data(), value->data() + value->size(), bytes);
  }
  return bytes;
}

// The start offset as librdkafka takes it; std::nullopt for s@, which needs a broker lookup.
std::optional<int64_t>
to_librdkafka_offset(const OffsetSpec& spec)
{
  switch (spec.kind) {
  case OffsetSpec::Kind::Beginning:
    return RD_KAFKA_OFFSET_BEGINNING;
  case OffsetSpec::Kind::End:
    return RD_KAFKA_OFFSET_END;
  case OffsetSpec::Kind::Absolute:
    return spec.value;
  case OffsetSpec::Kind::FromEnd:
    return RD_KAFKA_OFFSET_TAIL(spec.value);
  case OffsetSpec::Kind::StartTimestamp:
    return std::nullopt;
  case OffsetSpec::Kind::Stored:
  case OffsetSpec::Kind::EndTimestamp:
    break;
  }
  return RD_KAFKA_OFFSET_STORED; // committed offset, else auto.offset.reset
}

} // namespace

void
apply_offset_args(const std::vector<std::string>& args, ReadOptions& options)
{
  bool have_start = false;
  for (const auto& arg : args) {
    const auto spec = parse_offset(arg);
    if (spec.kind == OffsetSpec::Kind::EndTimestamp) {
      options.stop_timestamp = spec.value;
      continue;
    }
    if (have_start) {
      throw UsageError(fmt::format("-o: more than one start offset (\"{}\")", arg));
    }
    have_start = true;
    options.start = spec;
  }
}

EndTracker::State&
EndTracker::state(std::string_view topic, int32_t partition)
{
  if (m_last == m_states.end() || m_last->first.second != partition || m_last->first.first != topic) {
    m_last = m_states.find(std::pair{topic, partition});
    if (m_last == m_states.end()) {
      m_last = m_states.try_emplace({std::string(topic), partition}).first;
    }
  }
  return m_last->second;
}

const EndTracker::State*
EndTracker::find(std::string_view topic, int32_t partition) const
{
  const auto it = m_states.find(std::pair{topic, partition});
  return it == m_states.end() ? nullptr : &it->second;
}

void
EndTracker::track(std::string_view topic, int32_t partition, int64_t start, int64_t high)
{
  set_high(topic, partition, high);
  set_start(topic, partition, start);
  if (start >= high) {
    mark_done(topic, partition);
  }
}

void
EndTracker::set_start(std::string_view topic, int32_t partition, int64_t start)
{
  state(topic, partition).position = start;
}

uint64_t
EndTracker::remaining(const std::vector<std::pair<std::string, int32_t>>& scope) const
{
  const auto left = [](const State& state) -> uint64_t {
    return state.high && !state.done && *state.high > state.position ? static_cast<uint64_t>(*state.high - state.position)
                                                                       : 0;
  };
  uint64_t total = 0;
  if (scope.empty()) {
    for (const auto& [key, state] : m_states) {
      total += left(state);
    }
    return total;
  }
  for (const auto& [topic, partition] : scope) {
    if (const auto* state = find(topic, partition)) {
      total += left(*state);
    }
  }
  return total;
}

void
EndTracker::set_high(std::string_view topic, int32_t partition, int64_t high)
{
  auto& state = this->state(topic, partition);
  m_tracked += state.high ? 0 : 1;
  state.high = high;
  ++m_changes;
}

bool
EndTracker::accept(std::string_view topic, int32_t partition, int64_t offset)
{
  auto& state = this->state(topic, partition);
  if (!state.high) {
    return true; // not tracked: no end
  }
  if (state.done) {
    return false;
  }
  state.position = offset + 1;
  if (offset >= *state.high) {
    state.done = true;
    ++m_changes;
    return false;
  }
  if (offset + 1 >= *state.high) {
    state.done = true;
    ++m_changes;
  }
  return true;
}

void
EndTracker::mark_done(std::string_view topic, int32_t partition)
{
  auto& state = this->state(topic, partition);
  m_changes += state.done ? 0 : 1;
  state.done = true;
}

void
EndTracker::reopen(std::string_view topic, int32_t partition)
{
  auto& state = this->state(topic, partition);
  m_changes += state.done ? 1 : 0;
  state.done = false;
}

bool
EndTracker::is_done(std::string_view topic, int32_t partition) const
{
  const auto* state = find(topic, partition);
  return state != nullptr && state->done;
}

bool
EndTracker::all_done(const std::vector<std::pair<std::string, int32_t>>& scope) const
{
  if (scope.empty()) {
    return std::all_of(m_states.begin(), m_states.end(), [](const auto& entry) {
      return !entry.second.high || entry.second.done;
    });
  }
  return std::all_of(scope.begin(), scope.end(), [&](const auto& key) { return is_done(key.first, key.second); });
}

RecordSource::RecordSource(const ClientConfig& config, ReadOptions options) : m_options(std::move(options))
{
  if (m_options.topics.empty()) {
    throw UsageError("-t: at least one topic is required");
  }
  if (m_options.start.kind == OffsetSpec::Kind::Stored && !m_options.group) {
    throw UsageError("-o stored: needs a consumer group (-G)");
  }
  ClientConfig consumer_config;
  // Defaults first, so that -X can override them.
  consumer_config.set("enable.partition.eof", "true");
  consumer_config.set("auto.offset.reset", "earliest");
  consumer_config.set("enable.auto.offset.store", "false");
  // Bound the prefetch queue, so that memory does not follow the topic size when the output is
  // slower than the fetcher: librdkafka's defaults hold up to 100,000 records or 64 MiB of values,
  // and one fetch may bring 50 MiB more. The record count matters most for DLQs, whose error
  // context is in headers, which the byte limit does not count. Limits this low are cheap only
  // because the fetchers are woken when the queue drains (see PrefetchWatch).
  consumer_config.set("queued.min.messages", std::to_string(m_options.prefetch_records));
  consumer_config.set("queued.max.messages.kbytes", "16384");
  consumer_config.set("fetch.max.bytes", std::to_string(std::max(m_options.fetch_bytes, message_max_bytes(config))));
  for (const auto& property : config.properties) {
    consumer_config.properties.push_back(property);
  }
  consumer_config.log = config.log;
  if (m_options.group) {
    consumer_config.set("group.id", *m_options.group);
  } else if (consumer_config.find("group.id") == nullptr) {
    // librdkafka's assign() needs a group.id, though nothing joins that group or commits to it.
    consumer_config.set("group.id", "dlqcat-assign");
  }
  if (!joins_group()) {
    consumer_config.set("enable.auto.commit", "false");
  }
  const std::string_view reset = *consumer_config.find("auto.offset.reset");
  m_reset_to_earliest = reset == "earliest" || reset == "smallest" || reset == "beginning";
  m_consumer = std::make_unique<Consumer>(consumer_config, [this](auto& partitions, bool assigned) {
    on_rebalance(partitions, assigned);
  });
  m_waker = std::make_unique<FetchWaker>(*m_consumer);
  // librdkafka has validated it.
  m_prefetch.emplace(std::stoull(*consumer_config.find("queued.min.messages")));
  if (const auto* session = consumer_config.find("session.timeout.ms")) {
    m_linger = milliseconds(2 * std::stoll(*session) + 5000); // librdkafka has validated it
  } else {
    m_linger = milliseconds(2 * 45000 + 5000);
  }

  // Learn every partition (this also proves the cluster is reachable) and snapshot the ends.
  std::vector<TopicPartition> all;
  for (const auto& topic : m_options.topics) {
    const auto partitions = m_consumer->partitions(topic);
    for (const auto partition : m_options.partitions) {
      if (std::find(partitions.begin(), partitions.end(), partition) == partitions.end()) {
        throw UsageError(fmt::format("-p: topic \"{}\" has no partition {} ({} partition{})", topic, partition,
                                     partitions.size(), partitions.size() == 1 ? "" : "s"));
      }
    }
    for (const auto partition : partitions) {
      if (m_options.partitions.empty()
          || std::find(m_options.partitions.begin(), m_options.partitions.end(), partition) != m_options.partitions.end()) {
        all.push_back({topic, partition});
      }
    }
  }
  const auto all_marks = m_consumer->watermarks(all, k_connect_timeout);
  for (size_t i = 0; i < all.size(); ++i) {
    m_snapshot[{all[i].topic, all[i].partition}] = all_marks[i];
  }
  if (!joins_group()) {
    // Assigned mode knows its starts now (a group's commits looked up in one request); group
    // mode learns them on assignment.
    m_assigned_starts = assigned_starts(all);
    if (m_options.group && m_options.on_assign) {
      m_options.on_assign(m_assigned_starts);
    }
    for (const auto& start : m_assigned_starts) {
      const auto& marks = m_snapshot[{start.topic, start.partition}];
      if (m_options.stop_at_end) {
        m_ends.track(start.topic, start.partition, start.offset.value_or(marks.low), marks.high);
      } else if (m_options.stop_timestamp) {
        m_ends.track(start.topic, start.partition, 0, k_no_end);
      }
    }
  }
  if (joins_group()) {
    start_group();
  } else {
    start_assigned();
  }
}

// Assigned mode: where each partition starts. A start that the watermarks just read resolve is
// given as an offset, which librdkafka fetches from at once, without asking the leader first as
// for "beginning" or "end"; a group's committed offsets are looked up in one request.
std::vector<StartPosition>
RecordSource::assigned_starts(const std::vector<TopicPartition>& partitions)
{
  std::vector<StartPosition> starts;
  std::vector<TopicPartition> stored;
  for (const auto& tp : partitions) {
    const auto& marks = m_snapshot[{tp.topic, tp.partition}];
    starts.push_back({tp.topic, tp.partition, resolve_start(m_options.start, marks.low, marks.high), {}, {}});
    if (m_options.start.kind == OffsetSpec::Kind::Stored && m_options.group) {
      stored.push_back(tp);
    }
  }
  if (stored.empty()) {
    return starts;
  }
  const auto committed = m_consumer->committed(stored, k_connect_timeout);
  for (size_t i = 0; i < starts.size() && i < committed.size(); ++i) {
    const auto& marks = m_snapshot[{starts[i].topic, starts[i].partition}];
    if (committed[i].offset >= 0) {
      starts[i].committed = committed[i].offset;
      starts[i].metadata = committed[i].metadata;
      starts[i].offset = std::clamp(committed[i].offset, marks.low, std::max(marks.low, marks.high));
    } else if (m_reset_to_earliest) {
      starts[i].offset = marks.low;
    }
  }
  return starts;
}

void
RecordSource::start_assigned()
{
  std::vector<TopicPartition> assignment;
  for (const auto& start : m_assigned_starts) {
    if (m_options.stop_at_end && m_ends.is_done(start.topic, start.partition)) {
      // Nothing to read: not fetched at all. (A fetch of nothing but such partitions waits
      // out fetch.wait.max.ms at the broker, and holds back the partitions assigned with them:
      // a topic with one record in 64 partitions took a second to read.)
      continue;
    }
    TopicPartition tp{start.topic, start.partition};
    // s@: a placeholder here, replaced by offsets_for_times below.
    tp.offset = start.offset.value_or(to_librdkafka_offset(m_options.start).value_or(m_options.start.value));
    assignment.push_back(tp);
  }
  if (m_options.start.kind == OffsetSpec::Kind::StartTimestamp) {
    auto list = to_partition_list(assignment);
    const auto err = rd_kafka_offsets_for_times(m_consumer->handle(), list.get(), static_cast<int>(k_connect_timeout.count()));
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      throw_kafka_error(fmt::format("-o s@{}: offsets for timestamp", m_options.start.value), err);
    }
    for (int i = 0; i < list->cnt; ++i) {
      assignment[i].offset = list->elems[i].offset; // -1 (end) when no record is that new
    }
  }
  m_consumer->assign(assignment);
}

void
RecordSource::start_group()
{
  m_consumer->subscribe(m_options.topics);
}

void
RecordSource::on_rebalance(rd_kafka_topic_partition_list_t& partitions, bool assigned)
{
  ++m_rebalances;
  if (assigned) {
    m_joined = true;
    ++m_assignments;
  }
  if (!assigned && m_options.on_revoke) {
    std::vector<std::pair<std::string, int32_t>> revoked;
    for (int i = 0; i < partitions.cnt; ++i) {
      revoked.emplace_back(partitions.elems[i].topic, partitions.elems[i].partition);
    }
    m_options.on_revoke(revoked, m_consumer->assignment_lost());
  }
  for (int i = 0; i < partitions.cnt; ++i) {
    auto& tp = partitions.elems[i];
    const std::pair<std::string, int32_t> key{tp.topic, tp.partition};
    if (!assigned) {
      std::erase(m_assigned, key);
      continue;
    }
    m_assigned.push_back(key);
    // s@: a placeholder here, replaced by start_from_timestamp below.
    tp.offset = to_librdkafka_offset(m_options.start).value_or(RD_KAFKA_OFFSET_STORED);
    const auto it = m_snapshot.find(key);
    if (it != m_snapshot.end() && m_options.start.kind != OffsetSpec::Kind::Stored) {
      tp.offset = resolve_start(m_options.start, it->second.low, it->second.high).value_or(tp.offset);
    }
    if (m_options.stop_at_end) {
      // A partition created after start has nothing in the snapshot: nothing to read.
      m_ends.set_high(key.first, key.second, it == m_snapshot.end() ? 0 : it->second.high);
    } else if (m_options.stop_timestamp) {
      m_ends.set_high(key.first, key.second, k_no_end);
    }
  }
  if (!assigned) {
    return;
  }
  std::vector<StartPosition> starts;
  if (m_options.start.kind == OffsetSpec::Kind::StartTimestamp) {
    start_from_timestamp(partitions);
    for (int i = 0; i < partitions.cnt; ++i) {
      const auto& tp = partitions.elems[i];
      starts.push_back({tp.topic, tp.partition, tp.offset >= 0 ? std::optional<int64_t>(tp.offset) : std::nullopt, {}, {}});
    }
  } else {
    starts = start_from_committed(partitions);
  }
  if (m_options.on_assign) {
    m_options.on_assign(starts);
  }
  for (int i = 0; i < partitions.cnt; ++i) {
    auto& tp = partitions.elems[i];
    const auto& start = starts[static_cast<size_t>(i)];
    if (start.offset) {
      tp.offset = *start.offset;
    }
    // Read again from its start, whatever an earlier assignment of it had read (-e included).
    m_ends.reopen(start.topic, start.partition);
    if (start.offset) {
      m_ends.set_start(start.topic, start.partition, *start.offset);
    }
    if (m_options.stop_at_end && start.offset) {
      // A partition that starts at its end is done now, not when its (held) empty fetch returns.
      const auto marks = m_snapshot.find({start.topic, start.partition});
      if (*start.offset >= (marks != m_snapshot.end() ? marks->second.high : 0)) {
        m_ends.mark_done(start.topic, start.partition);
      }
    }
  }
}

// Partitions that start from the group's committed offsets get them here, in one request (with
// each commit's metadata, for on_assign), and those without one the low watermark of the
// snapshot (auto.offset.reset=earliest): librdkafka can then fetch all of them at once. Left to
// itself it looks each start up first, and a first fetch of only empty partitions waits out
// fetch.wait.max.ms at the broker, holding back the rest (about a second of every replay on the
// embedded broker).
std::vector<StartPosition>
RecordSource::start_from_committed(rd_kafka_topic_partition_list_t& partitions)
{
  // One per partition, in the list's order.
  std::vector<StartPosition> starts;
  starts.reserve(static_cast<size_t>(partitions.cnt));
  for (int i = 0; i < partitions.cnt; ++i) {
    const auto& tp = partitions.elems[i];
    starts.push_back({tp.topic, tp.partition, tp.offset >= 0 ? std::optional<int64_t>(tp.offset) : std::nullopt, {}, {}});
  }
  try {
    std::vector<TopicPartition> stored;
    for (int i = 0; i < partitions.cnt; ++i) {
      const auto& tp = partitions.elems[i];
      if (tp.offset == RD_KAFKA_OFFSET_STORED) {
        stored.push_back({tp.topic, tp.partition, RD_KAFKA_OFFSET_STORED});
      }
    }
    if (stored.empty()) {
      return starts;
    }
    const auto committed = m_consumer->committed(stored, k_connect_timeout);
    for (int i = 0; i < partitions.cnt; ++i) {
      auto& tp = partitions.elems[i];
      const auto found = std::find_if(committed.begin(), committed.end(), [&](const TopicPartition& c) {
        return c.partition == tp.partition && c.topic == tp.topic;
      });
      if (found == committed.end()) {
        continue;
      }
      const auto marks = m_snapshot.find({tp.topic, tp.partition});
      if (found->offset >= 0) {
        tp.offset = found->offset;
        starts[i].committed = found->offset;
        starts[i].metadata = found->metadata;
      } else if (marks != m_snapshot.end() && m_reset_to_earliest) {
        tp.offset = marks->second.low;
      }
      if (tp.offset >= 0) {
        starts[i].offset = tp.offset;
      }
    }
  } catch (...) {
    // Inside librdkafka's callback: what is not resolved, librdkafka looks up itself.
  }
  return starts;
}

// -o s@MS in a group: like the other explicit starts, each assigned partition starts at the
// offset for MS (offsets by timestamp), not at the group's commit. (It started at the commit,
// or the beginning without one: real Kafka showed `replay -o s@` replaying everything.)
void
RecordSource::start_from_timestamp(rd_kafka_topic_partition_list_t& partitions) noexcept
{
  PartitionsPtr list(rd_kafka_topic_partition_list_new(partitions.cnt));
  for (int i = 0; i < partitions.cnt; ++i) {
    rd_kafka_topic_partition_list_add(list.get(), partitions.elems[i].topic, partitions.elems[i].partition)->offset =
      m_options.start.value;
  }
  if (rd_kafka_offsets_for_times(m_consumer->handle(), list.get(), static_cast<int>(k_connect_timeout.count()))
      != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return; // inside librdkafka's callback: the partitions start from their commits instead
  }
  for (int i = 0; i < partitions.cnt; ++i) {
    partitions.elems[i].offset = list->elems[i].offset; // -1 (end) when no record is that new
  }
}

bool
RecordSource::finished()
{
  if (!m_options.stop_at_end && !m_options.stop_timestamp) {
    return false;
  }
  const std::pair seen{m_ends.changes(), m_rebalances};
  if (m_finished_seen != seen) {
    m_finished_seen = seen;
    m_all_done = joins_group() ? std::all_of(m_assigned.begin(), m_assigned.end(),
                                             [&](const auto& key) { return m_ends.is_done(key.first, key.second); })
                               : m_ends.all_done();
  }
  if (!joins_group()) {
    return m_all_done;
  }
  if (!m_joined || !m_all_done) {
    m_own_done_since.reset();
    return false;
  }
  return !m_options.stop_at_end || rest_of_group_done();
}

// -e in a group: this member's partitions are done; the run ends when the group's commits show
// the other partitions done too (a member that died leaves its partitions to us after
// session.timeout.ms). While the rest of the group makes progress, this member waits; once it
// made none for group_timeout(), the run ends with group_incomplete() saying where it stands.
bool
RecordSource::rest_of_group_done()
{
  const auto now = std::chrono::steady_clock::now();
  if (!m_own_done_since) {
    m_own_done_since = now;
    m_last_group_progress = now;
  }
  if (now - m_last_group_check < milliseconds(500)) {
    return false;
  }
  m_last_group_check = now;
  std::vector<TopicPartition> others;
  for (const auto& [key, marks] : m_snapshot) {
    const bool mine = std::find(m_assigned.begin(), m_assigned.end(), key) != m_assigned.end();
    if (!mine && marks.high > marks.low) {
      others.push_back({key.first, key.second});
    }
  }
  if (others.empty()) {
    return true;
  }
  if (m_options.before_group_wait) {
    const auto changes = m_ends.changes();
    m_options.before_group_wait();
    if (m_ends.changes() != changes) {
      return false; // a partition was rewound: read it first
    }
  }
  bool progressed = false;
  std::optional<std::string> shortfall;
  try {
    shortfall = short_of_end(others, &progressed);
  } catch (const KafkaError&) {
    return false; // asked again in a moment
  }
  if (!shortfall) {
    return true;
  }
  if (progressed) {
    m_last_group_progress = now;
  } else if (now - m_last_group_progress >= m_linger) {
    m_incomplete = fmt::format("the group's commits are not at the end offsets, and its other members made no progress "
                               "for {} s: {}",
                               m_linger.count() / 1000, *shortfall);
    return true;
  }
  return false;
}

std::optional<std::string>
RecordSource::short_of_end(const std::vector<TopicPartition>& keys, bool* progressed)
{
  const auto committed = m_consumer->committed(keys, milliseconds(5000));
  std::string shortfall;
  for (const auto& tp : committed) {
    const int64_t high = m_snapshot[{tp.topic, tp.partition}].high;
    int64_t position = tp.offset;
    if (tp.offset >= 0 && m_options.group_position) {
      position = m_options.group_position(tp.offset, tp.metadata);
    }
    if (progressed != nullptr) {
      const auto [seen, first] = m_group_seen.try_emplace({tp.topic, tp.partition}, tp.offset, tp.metadata);
      if (!first && (seen->second.first != tp.offset || seen->second.second != tp.metadata)) {
        *progressed = true;
        seen->second = {tp.offset, tp.metadata};
      }
    }
    if (position < high) {
      shortfall += fmt::format("{}{} [{}] at {} of {}", shortfall.empty() ? "" : ", ", tp.topic, tp.partition,
                               std::max<int64_t>(position, 0), high);
    }
  }
  if (shortfall.empty()) {
    return std::nullopt;
  }
  return shortfall;
}

std::optional<std::string>
RecordSource::verify_group_done()
{
  if (!joins_group() || !m_options.stop_at_end || m_incomplete) {
    return m_incomplete;
  }
  std::vector<TopicPartition> keys;
  for (const auto& [key, marks] : m_snapshot) {
    if (marks.high > marks.low) {
      keys.push_back({key.first, key.second});
    }
  }
  if (keys.empty()) {
    return std::nullopt;
  }
  const auto shortfall = short_of_end(keys, nullptr);
  if (!shortfall) {
    return std::nullopt;
  }
  return fmt::format("the group's commits are not at the end offsets: {}", *shortfall);
}

std::optional<uint64_t>
RecordSource::remaining() const
{
  if (!m_options.stop_at_end || (joins_group() && !m_joined)) {
    return std::nullopt; // not known before the group assigned partitions
  }
  return joins_group() ? m_ends.remaining(m_assigned) : m_ends.remaining();
}

const record::Record*
RecordSource::next()
{
  const rd_kafka_message_t* message = next_message();
  if (message == nullptr) {
    return nullptr;
  }
  to_record(*message, m_record);
  return &m_record;
}

const record::RecordView*
RecordSource::next_view()
{
  const rd_kafka_message_t* message = next_message();
  if (message == nullptr) {
    return nullptr;
  }
  m_view = to_view(*message, m_header_views);
  return &m_view;
}

const rd_kafka_message_t*
RecordSource::next_message()
{
  while (true) {
    if (util::interrupt_requested()) {
      m_interrupted = true;
      return nullptr;
    }
    if (finished()) {
      return nullptr;
    }
    m_consumer->check_fatal();
    const milliseconds timeout = m_prefetch->poll_timeout();
    m_message = m_consumer->poll(timeout);
    if (!m_message) {
      if (timeout > milliseconds(0) && m_options.on_idle) {
        m_options.on_idle(); // not for a 0 ms poll between two records of a stream
      }
      if (m_prefetch->dry(std::chrono::steady_clock::now())) {
        wake_fetchers();
      }
      continue;
    }
    if (m_prefetch->polled() && m_prefetch->queued(m_consumer->queued(), std::chrono::steady_clock::now())) {
      wake_fetchers();
    }
    const auto& message = *m_message;
    const std::string_view topic = message.rkt != nullptr ? rd_kafka_topic_name(message.rkt) : "";
    if (message.err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      if (m_options.stop_at_end) {
        m_ends.mark_done(topic, message.partition);
      }
      continue;
    }
    if (message.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (message.err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART || message.err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED
          || message.err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC || message.err == RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION) {
        throw_kafka_error(fmt::format("topic \"{}\"", topic), message.err);
      }
      continue; // transient (librdkafka retries): shown with -v through the error callback
    }
    if (!m_ends.empty() && !m_ends.accept(topic, message.partition, message.offset)) {
      continue; // past the snapshot, or the partition already ended
    }
    if (m_options.stop_timestamp) {
      rd_kafka_timestamp_type_t type;
      const int64_t timestamp = rd_kafka_message_timestamp(&message, &type);
      if (timestamp >= *m_options.stop_timestamp) {
        m_ends.mark_done(topic, message.partition);
        continue;
      }
    }
    return &message;
  }
}

std::optional<std::pair<std::string, int32_t>>
RecordSource::serve_group(milliseconds timeout)
{
  const MessagePtr dropped = m_consumer->poll(timeout);
  if (!dropped || dropped->err != RD_KAFKA_RESP_ERR_NO_ERROR || dropped->rkt == nullptr) {
    return std::nullopt;
  }
  return std::pair<std::string, int32_t>{rd_kafka_topic_name(dropped->rkt), dropped->partition};
}

void
RecordSource::wake_fetchers()
{
  if (m_waker) { // none once closed
    m_waker->wake();
  }
}

void
RecordSource::mark_processed(const record::RecordView& record)
{
  if (commits()) {
    m_consumer->store_offset(std::string(record.topic), record.partition, record.offset + 1);
  }
}

void
RecordSource::commit()
{
  if (commits()) {
    m_consumer->commit();
  }
}

void
RecordSource::rewind(const std::string& topic, int32_t partition, int64_t offset)
{
  const auto list = to_partition_list({{topic, partition, offset}});
  ErrorPtr error(rd_kafka_seek_partitions(m_consumer->handle(), list.get(), static_cast<int>(k_connect_timeout.count())));
  if (error) {
    throw KafkaError(fmt::format("rewind {} [{}] to {}: {}", topic, partition, offset, rd_kafka_error_string(error.get())),
                     rd_kafka_error_code(error.get()));
  }
  if (list->elems[0].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw_kafka_error(fmt::format("rewind {} [{}] to {}", topic, partition, offset), list->elems[0].err);
  }
  m_ends.reopen(topic, partition);
}

void
RecordSource::close()
{
  m_waker.reset();
  m_consumer->close();
}

} // namespace dlq::kafka
