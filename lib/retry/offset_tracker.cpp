#include "retry/offset_tracker.hpp"

#include <algorithm>

namespace dlq::retry {

namespace {

// Room left in the metadata for what may_act() does not count: the prefix, ";r=", and the
// records handled or in flight before the first record left (acknowledged within moments).
constexpr size_t k_uncounted = 300;

// The entry holding `offset`, or end().
template <typename Entries>
auto
find_entry(Entries& entries, int64_t offset)
{
  auto it = std::upper_bound(entries.begin(), entries.end(), offset,
                             [](int64_t o, const auto& entry) { return o < entry.begin; });
  if (it == entries.begin()) {
    return entries.end();
  }
  --it;
  return offset < it->end ? it : entries.end();
}

void
add_range(std::vector<OffsetRange>& ranges, int64_t begin, int64_t end)
{
  if (!ranges.empty() && ranges.back().end >= begin) {
    ranges.back().end = std::max(ranges.back().end, end);
  } else {
    ranges.push_back({begin, end});
  }
}

} // namespace

OffsetTracker::Slot
OffsetTracker::slot(std::string_view topic, int32_t partition)
{
  const auto is = [&](const State& state) { return state.partition.second == partition && state.partition.first == topic; };
  if (m_last < m_states.size() && is(m_states[m_last])) {
    return m_last;
  }
  const auto it = std::find_if(m_states.begin(), m_states.end(), is);
  if (it != m_states.end()) {
    m_last = static_cast<Slot>(it - m_states.begin());
  } else {
    m_states.emplace_back();
    m_states.back().partition = {std::string(topic), partition};
    m_last = m_states.size() - 1;
  }
  return m_last;
}

void
OffsetTracker::start(Slot slot, int64_t offset, const CommitMetadata& earlier)
{
  auto& state = m_states[slot];
  Partition partition = std::move(state.partition);
  state = State{};
  state.partition = std::move(partition);
  state.started = true;
  state.base = offset;
  state.next = offset;
  for (const auto& range : earlier.handled) {
    if (range.end > offset + 1) {
      add_range(state.earlier, std::max(range.begin, offset + 1), range.end);
    }
  }
}

OffsetTracker::State&
OffsetTracker::started_at(Slot slot, int64_t offset)
{
  auto& state = m_states[slot];
  if (!state.started) {
    start(slot, offset);
  }
  return state;
}

bool
OffsetTracker::handled_earlier(Slot slot, int64_t offset) const
{
  const auto& earlier = m_states[slot].earlier;
  const auto it = std::upper_bound(earlier.begin(), earlier.end(), offset,
                                   [](int64_t o, const OffsetRange& range) { return o < range.begin; });
  return it != earlier.begin() && offset < std::prev(it)->end;
}

bool
OffsetTracker::may_act(Slot slot, int64_t offset) const
{
  const auto& state = m_states[slot];
  if (!state.started || !state.first_left || offset <= *state.first_left) {
    return true;
  }
  size_t runs = 3 + state.runs_chars; // ";h="
  if (state.acted_end == offset) {
    runs += decimal_digits(state.acted_run + 1) - decimal_digits(state.acted_run);
  } else {
    runs += 3 + decimal_digits(offset - (state.acted_end < 0 ? *state.first_left : state.acted_end));
  }
  const size_t bitmap = bitmap_chars(offset - state.base);
  return std::min(runs, bitmap) + k_uncounted <= k_max_commit_metadata;
}

void
OffsetTracker::count_acted(State& state, int64_t begin, int64_t end)
{
  if (!state.first_left || begin <= *state.first_left) {
    return;
  }
  const int64_t length = end - begin;
  if (state.acted_end == begin) {
    state.runs_chars += decimal_digits(state.acted_run + length) - decimal_digits(state.acted_run);
    state.acted_run += length;
  } else {
    const int64_t gap = begin - (state.acted_end < 0 ? *state.first_left : state.acted_end);
    state.runs_chars += 2 + decimal_digits(gap) + decimal_digits(length);
    state.acted_run = length;
  }
  state.acted_end = end;
}

// may_act()'s estimate from scratch (rare: a rewind, or a record left before the first one).
void
OffsetTracker::recount(State& state)
{
  state.first_left.reset();
  state.acted_end = -1;
  state.acted_run = 0;
  state.runs_chars = 0;
  for (const auto& entry : state.entries) {
    if (entry.note == Note::Left) {
      if (!state.first_left) {
        state.first_left = entry.begin;
      }
    } else {
      count_acted(state, entry.begin, entry.end);
    }
  }
}

void
OffsetTracker::append(State& state, int64_t offset, Note note)
{
  if (offset < state.next) {
    return; // noted already (a record delivered twice by the client)
  }
  auto& entries = state.entries;
  int64_t begin = offset;
  if (!entries.empty()) {
    entries.back().end = offset; // missing offsets join the entry before them
  } else {
    begin = state.base; // ... or, with none, this one
  }
  if (note != Note::InFlight && !entries.empty() && entries.back().note == note) {
    entries.back().end = offset + 1;
  } else {
    entries.push_back({begin, offset + 1, note});
  }
  state.next = offset + 1;
  switch (note) {
  case Note::InFlight:
    ++state.in_flight;
    count_acted(state, offset, offset + 1);
    break;
  case Note::Handled:
    count_acted(state, offset, offset + 1);
    drop_handled_front(state);
    break;
  case Note::Left:
    if (!state.first_left) {
      state.first_left = offset;
      state.acted_end = -1;
    }
    break;
  }
}

void
OffsetTracker::begin(Slot slot, int64_t offset)
{
  append(started_at(slot, offset), offset, Note::InFlight);
}

void
OffsetTracker::handle(Slot slot, int64_t offset)
{
  append(started_at(slot, offset), offset, Note::Handled);
}

void
OffsetTracker::leave(Slot slot, int64_t offset)
{
  append(started_at(slot, offset), offset, Note::Left);
}

void
OffsetTracker::finish(Slot slot, int64_t offset, bool delivered)
{
  auto& state = m_states[slot];
  const auto it = find_entry(state.entries, offset);
  if (it == state.entries.end() || it->note != Note::InFlight) {
    return;
  }
  it->note = delivered ? Note::Handled : Note::Left;
  --state.in_flight;
  if (!delivered && (!state.first_left || offset < *state.first_left)) {
    recount(state); // the first record left is now an earlier one
  }
  if (it == state.entries.begin()) {
    drop_handled_front(state);
  }
}

void
OffsetTracker::drop_handled_front(State& state)
{
  while (!state.entries.empty() && state.entries.front().note == Note::Handled) {
    state.base = state.entries.front().end;
    state.entries.pop_front();
  }
  if (state.entries.empty()) {
    state.base = state.next;
  }
}

void
OffsetTracker::compact(State& state)
{
  auto& entries = state.entries;
  size_t kept = 0;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (kept > 0 && entries[kept - 1].note == entries[i].note && entries[i].note != Note::InFlight) {
      entries[kept - 1].end = entries[i].end;
    } else {
      entries[kept++] = entries[i];
    }
  }
  entries.resize(kept);
}

OffsetTracker::Commit
OffsetTracker::commit_of(const State& state)
{
  Commit commit;
  commit.partition = state.partition;
  commit.offset = state.entries.empty() ? state.next : state.base;
  if (state.entries.empty()) {
    // Records an earlier run handled right here, not read yet, are passed too.
    for (const auto& range : state.earlier) {
      if (range.begin <= commit.offset && commit.offset < range.end) {
        commit.offset = range.end;
      }
    }
  }
  CommitMetadata metadata;
  if (state.next > commit.offset) {
    metadata.read = state.next;
  }
  for (const auto& entry : state.entries) {
    if (entry.note == Note::Handled && entry.begin > commit.offset) {
      add_range(metadata.handled, entry.begin, entry.end);
    }
  }
  for (const auto& range : state.earlier) {
    const int64_t begin = std::max({range.begin, state.next, commit.offset + 1});
    if (range.end > begin) {
      add_range(metadata.handled, begin, range.end);
    }
  }
  auto encoded = encode_commit_metadata(commit.offset, metadata);
  commit.metadata = std::move(encoded.text);
  commit.truncated_at = encoded.truncated_at;
  return commit;
}

std::vector<OffsetTracker::Commit>
OffsetTracker::take_committable()
{
  std::vector<Commit> result;
  for (auto& state : m_states) {
    if (!state.started) {
      continue;
    }
    compact(state);
    auto commit = commit_of(state);
    if (state.taken_offset == commit.offset && state.taken_metadata == commit.metadata) {
      continue;
    }
    state.taken_offset = commit.offset;
    state.taken_metadata = commit.metadata;
    result.push_back(std::move(commit));
  }
  return result;
}

std::optional<OffsetTracker::Commit>
OffsetTracker::committable(const Partition& partition) const
{
  for (const auto& state : m_states) {
    if (state.started && state.partition == partition) {
      return commit_of(state);
    }
  }
  return std::nullopt;
}

void
OffsetTracker::assume_committed(Slot slot, int64_t offset, std::string_view metadata)
{
  m_states[slot].taken_offset = offset;
  m_states[slot].taken_metadata.assign(metadata);
}

void
OffsetTracker::untake()
{
  for (auto& state : m_states) {
    state.taken_offset.reset();
  }
}

size_t
OffsetTracker::in_flight() const noexcept
{
  size_t count = 0;
  for (const auto& state : m_states) {
    count += state.in_flight;
  }
  return count;
}

void
OffsetTracker::forget(const Partition& partition)
{
  for (auto& state : m_states) {
    if (state.partition == partition) {
      Partition kept = std::move(state.partition);
      state = State{};
      state.partition = std::move(kept);
    }
  }
}

void
OffsetTracker::set_aside(const Partition& partition)
{
  drop_aside(partition);
  for (auto& state : m_states) {
    if (state.partition == partition && state.started) {
      m_aside.push_back(std::move(state));
      state = State{};
      state.partition = partition;
    }
  }
}

bool
OffsetTracker::take_back(Slot slot)
{
  auto& state = m_states[slot];
  const auto it = std::find_if(m_aside.begin(), m_aside.end(),
                               [&](const State& aside) { return aside.partition == state.partition; });
  if (it == m_aside.end()) {
    return false;
  }
  state = std::move(*it);
  m_aside.erase(it);
  state.taken_offset.reset(); // commit it again
  return true;
}

void
OffsetTracker::drop_aside(const Partition& partition)
{
  std::erase_if(m_aside, [&](const State& aside) { return aside.partition == partition; });
}

std::vector<OffsetTracker::Commit>
OffsetTracker::aside_commits() const
{
  std::vector<Commit> commits;
  for (const auto& state : m_aside) {
    commits.push_back(commit_of(state));
  }
  return commits;
}

void
OffsetTracker::rewind(Slot slot, int64_t offset)
{
  auto& state = m_states[slot];
  if (!state.started || offset >= state.next) {
    return;
  }
  auto& entries = state.entries;
  while (!entries.empty() && entries.back().begin >= offset) {
    entries.pop_back();
  }
  if (!entries.empty()) {
    entries.back().end = offset;
  }
  state.next = offset;
  state.base = std::min(state.base, offset);
  state.in_flight = static_cast<size_t>(
    std::count_if(entries.begin(), entries.end(), [](const Entry& entry) { return entry.note == Note::InFlight; }));
  recount(state);
}

} // namespace dlq::retry
