#include "retry/offset_tracker.hpp"

#include <doctest/doctest.h>

using namespace dlq;
using namespace dlq::retry;
using namespace std::string_literals;

TEST_SUITE_BEGIN("retry");

namespace {

const OffsetTracker::Partition k_p{"dlq", 0};

// The (offset, metadata) the tracker would commit now.
std::pair<int64_t, std::string>
commit_now(const OffsetTracker& tracker)
{
  const auto c = tracker.committable(k_p);
  REQUIRE(c);
  return {c->offset, c->metadata};
}

} // namespace

TEST_CASE("retry::OffsetTracker commits only past handled records")
{
  OffsetTracker tracker;
  const auto slot = tracker.slot("dlq", 0);
  CHECK(tracker.slot("dlq", 0) == slot);
  CHECK(tracker.slot("dlq", 1) != slot);
  CHECK(tracker.partition(slot) == k_p);
  tracker.start(slot, 0);
  tracker.begin(slot, 0);
  tracker.begin(slot, 1);
  tracker.begin(slot, 2);
  auto taken = tracker.take_committable();
  REQUIRE(taken.size() == 1);
  CHECK(taken[0].offset == 0);
  CHECK(taken[0].metadata == "dlqcat1;r=3");
  tracker.finish(slot, 1);
  CHECK(commit_now(tracker) == std::pair<int64_t, std::string>{0, "dlqcat1;r=3;h=1.1"});
  tracker.finish(slot, 0);
  CHECK(commit_now(tracker) == std::pair<int64_t, std::string>{2, "dlqcat1;r=3"});
  CHECK(tracker.in_flight() == 1);
  tracker.finish(slot, 2);
  CHECK(commit_now(tracker) == std::pair<int64_t, std::string>{3, ""});
  CHECK(tracker.take_committable().size() == 1);
  CHECK(tracker.take_committable().empty()); // nothing new

  SUBCASE("a forgotten partition starts afresh, and late reports for it change nothing")
  {
    tracker.begin(slot, 3);
    tracker.forget(k_p);
    CHECK_FALSE(tracker.committable(k_p).has_value());
    CHECK(tracker.in_flight() == 0);
    tracker.finish(slot, 3);
    CHECK_FALSE(tracker.committable(k_p).has_value());
    CHECK(tracker.slot("dlq", 0) == slot);
    tracker.begin(slot, 10);
    CHECK(commit_now(tracker).first == 10);
  }
  SUBCASE("a record not delivered is left: the commit stays before it, what follows is recorded")
  {
    tracker.begin(slot, 3);
    tracker.begin(slot, 4);
    tracker.finish(slot, 3, false);
    tracker.finish(slot, 4);
    CHECK(commit_now(tracker) == std::pair<int64_t, std::string>{3, "dlqcat1;r=5;h=1.1"});
  }
}

TEST_CASE("retry::OffsetTracker: a filtered run leaves records visible and records what it handled past them")
{
  // Issue 15.3: fa/fb alternate on one partition. Run 1 acts on fa (0, 2, 4), leaves fb.
  OffsetTracker first;
  const auto slot = first.slot("dlq", 0);
  first.start(slot, 0);
  for (int64_t o = 0; o < 6; ++o) {
    if (o % 2 == 0) {
      first.begin(slot, o);
      first.finish(slot, o);
    } else {
      first.leave(slot, o);
    }
  }
  const auto [offset, metadata] = commit_now(first);
  CHECK(offset == 1);
  CHECK(metadata == "dlqcat1;r=6;b=BQ=="); // 2 and 4 handled: bits 0 and 2 past the commit at 1

  // Run 2 starts from that commit: 2 and 4 are passed over, 1, 3, 5 acted on; the commit reaches 6.
  OffsetTracker second;
  REQUIRE(second.slot("dlq", 0) == slot);
  const auto earlier = decode_commit_metadata(offset, metadata);
  REQUIRE(earlier);
  second.start(slot, offset, *earlier);
  for (int64_t o = 1; o < 6; ++o) {
    if (second.handled_earlier(slot, o)) {
      CHECK(o % 2 == 0);
      second.handle(slot, o);
    } else {
      CHECK(o % 2 == 1);
      second.begin(slot, o);
      second.finish(slot, o);
    }
  }
  CHECK(commit_now(second) == std::pair<int64_t, std::string>{6, ""});

  SUBCASE("interrupted before reading on, a run carries the earlier run's records forward")
  {
    OffsetTracker third;
    REQUIRE(third.slot("dlq", 0) == slot);
    third.start(slot, offset, *earlier);
    third.begin(slot, 1);
    third.finish(slot, 1);
    CHECK(commit_now(third) == std::pair<int64_t, std::string>{3, "dlqcat1;h=1.1"}); // 3 not handled; 4 handled
  }
}

TEST_CASE("retry::OffsetTracker::may_act stops a filtered run before its commit metadata would overflow")
{
  OffsetTracker tracker;
  const auto slot = tracker.slot("dlq", 0);
  tracker.start(slot, 0);
  tracker.leave(slot, 0); // the filter left the first record
  int64_t o = 1;
  // Alternating: the bitmap holds ~24,000 offsets in 4,000 characters.
  for (; o < 100000; ++o) {
    if (o % 2 == 0) {
      tracker.leave(slot, o);
      continue;
    }
    if (!tracker.may_act(slot, o)) {
      break;
    }
    tracker.begin(slot, o);
    tracker.finish(slot, o);
  }
  CHECK(o > 20000);
  CHECK(o < 24000);
  const auto c = tracker.committable(k_p);
  REQUIRE(c);
  CHECK(c->offset == 0);
  CHECK(c->metadata.size() <= k_max_commit_metadata);
  CHECK_FALSE(c->truncated_at);
  const auto decoded = decode_commit_metadata(0, c->metadata);
  REQUIRE(decoded);
  CHECK(decoded->handled.size() == static_cast<size_t>(o / 2));

  SUBCASE("sparse records far apart fit as runs, however long the span")
  {
    OffsetTracker sparse;
    const auto s = sparse.slot("dlq", 1);
    sparse.start(s, 0);
    sparse.leave(s, 0);
    int acted = 0;
    for (int64_t at = 1000; at < 10000000; at += 1000) {
      if (!sparse.may_act(s, at)) {
        break;
      }
      sparse.begin(s, at);
      sparse.finish(s, at);
      ++acted;
    }
    CHECK(acted > 400);
    const auto sc = sparse.committable({"dlq", 1});
    REQUIRE(sc);
    CHECK(sc->metadata.size() <= k_max_commit_metadata);
    CHECK_FALSE(sc->truncated_at);
  }
  SUBCASE("without a record left, there is no limit")
  {
    OffsetTracker plain;
    const auto s = plain.slot("dlq", 2);
    for (int64_t at = 0; at < 100000; ++at) {
      CHECK(plain.may_act(s, at));
      plain.begin(s, at);
      plain.finish(s, at);
    }
  }
}

TEST_CASE("retry::OffsetTracker::rewind forgets what an aborted transaction noted")
{
  OffsetTracker tracker;
  const auto slot = tracker.slot("dlq", 0);
  tracker.start(slot, 10);
  tracker.handle(slot, 10);
  tracker.handle(slot, 11);
  CHECK(commit_now(tracker).first == 12);
  tracker.handle(slot, 12);
  tracker.leave(slot, 13);
  tracker.handle(slot, 14);
  tracker.rewind(slot, 12);
  CHECK(commit_now(tracker) == std::pair<int64_t, std::string>{12, ""});
  tracker.handle(slot, 12);
  tracker.handle(slot, 13);
  CHECK(commit_now(tracker).first == 14);
}

TEST_SUITE_END();
