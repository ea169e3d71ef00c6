#include "retry/transaction.hpp"

#include "error.hpp"
#include "util/interrupt.hpp"

#include <fmt/core.h>

#include <algorithm>

namespace dlq::retry {

using kafka::milliseconds;

namespace {

constexpr milliseconds k_transaction_timeout{30000};
constexpr int k_max_consecutive_aborts = 5;

void
check_transaction_step(const char* step, const kafka::ErrorPtr& error)
{
  if (error) {
    kafka::throw_transaction_error(step, *error);
  }
}

} // namespace

void
Transaction::init()
{
  check_transaction_step("init transactions", m_producer.init_transactions(k_transaction_timeout));
}

void
Transaction::begin()
{
  check_transaction_step("begin transaction", m_producer.begin_transaction());
  m_open = true;
  m_records = 0;
  m_replayed = 0;
  m_parked = 0;
}

bool
Transaction::commit()
{
  m_open = false;
  kafka::ErrorPtr error = send_offsets();
  if (!error) {
    error = m_producer.commit_transaction(k_transaction_timeout);
    // A retriable error may be retried as is (librdkafka src/rdkafka.h, commit_transaction).
    while (error && kafka::error_is_retriable(*error) && !util::interrupt_requested()) {
      error = m_producer.commit_transaction(k_transaction_timeout);
    }
  }
  if (!error) {
    m_stats.replayed += m_replayed;
    m_stats.parked += m_parked;
    m_start.clear();
    m_consecutive_aborts = 0;
    return true;
  }
  m_tracker.untake();
  if (!kafka::error_requires_abort(*error)) {
    check_transaction_step("commit transaction", error); // fatal: throws
  }
  // Typically a record of the transaction was not delivered: the cluster discards them all,
  // and they are read and produced again. A record that fails every time stops the run.
  if (++m_consecutive_aborts > k_max_consecutive_aborts) {
    abort_and_rewind(nullptr);
    throw DeliveryError(
      fmt::format("transaction aborted {} times in a row: {}", m_consecutive_aborts, kafka::error_text(*error)));
  }
  abort_and_rewind(nullptr);
  return false;
}

void
Transaction::abort()
{
  m_open = false;
  check_transaction_step("abort transaction", m_producer.abort_transaction(k_transaction_timeout));
}

kafka::ErrorPtr
Transaction::send_offsets()
{
  const auto commits = m_tracker.take_committable();
  if (commits.empty()) {
    return nullptr;
  }
  std::vector<kafka::TopicPartition> list;
  for (const auto& c : commits) {
    list.emplace_back(c.partition.first, c.partition.second, c.offset, c.metadata);
    m_commits.note_truncation(c);
  }
  const auto offsets = kafka::to_partition_list(list);
  const auto group = m_source.consumer().group_metadata();
  return m_producer.send_offsets_to_transaction(*offsets, *group, k_transaction_timeout);
}

void
Transaction::abort_and_rewind(const std::vector<Partition>* revoked)
{
  check_transaction_step("abort transaction", m_producer.abort_transaction(k_transaction_timeout));
  ++m_stats.aborted_transactions;
  m_in_flight.clear();
  for (const auto& [slot, offset] : m_start) {
    const auto& partition = m_tracker.partition(slot);
    if (revoked != nullptr && std::find(revoked->begin(), revoked->end(), partition) != revoked->end()) {
      continue;
    }
    m_tracker.rewind(slot, offset);
    m_source.rewind(partition.first, partition.second, offset);
  }
  m_start.clear();
}

} // namespace dlq::retry
