#include "retry/commit_metadata.hpp"

#include <doctest/doctest.h>

using namespace dlq;
using namespace dlq::retry;
using namespace std::string_literals;

TEST_SUITE_BEGIN("retry");

TEST_CASE("retry::commit metadata: both forms read back, the shorter is written")
{
  CHECK(encode_commit_metadata(5, {}).text.empty());
  CHECK(encode_commit_metadata(5, {7, {}}).text == "dlqcat1;r=7");
  CHECK(encode_commit_metadata(5, {5, {}}).text.empty()); // read == offset: nothing to say
  // Handled 7..8 and 10, past a commit at 5: runs "2 not handled (5,6), 2 handled, 1 not, 1 handled".
  const CommitMetadata sparse{11, {{7, 9}, {10, 11}}};
  const auto text = encode_commit_metadata(5, sparse).text;
  CHECK(text == "dlqcat1;r=11;b=Fg=="); // bits of 6..10: 01101 (shorter than ";h=2.2.1.1")
  CHECK(decode_commit_metadata(5, text) == sparse);
  CHECK(decode_commit_metadata(5, "dlqcat1;r=11;h=2.2.1.1") == sparse);
  // Far apart, runs are shorter.
  const CommitMetadata far_apart{std::nullopt, {{1005, 1006}}};
  CHECK(encode_commit_metadata(5, far_apart).text == "dlqcat1;h=1000.1");
  // Alternating records over a long span: the bitmap is shorter.
  CommitMetadata alternating;
  for (int64_t o = 101; o < 3101; o += 2) {
    alternating.handled.push_back({o, o + 1});
  }
  const auto dense = encode_commit_metadata(100, alternating);
  CHECK(dense.text.starts_with("dlqcat1;b="));
  CHECK_FALSE(dense.truncated_at);
  CHECK(dense.text.size() < 1100);
  CHECK(decode_commit_metadata(100, dense.text) == alternating);

  SUBCASE("what does not fit is left out, from the end, and said")
  {
    CommitMetadata far;
    for (int64_t o = 1; o < 200000; o += 100) { // sparse over a long span: ~2000 runs
      far.handled.push_back({o * 1000, o * 1000 + 1});
    }
    const auto encoded = encode_commit_metadata(0, far);
    CHECK(encoded.text.size() <= k_max_commit_metadata);
    REQUIRE(encoded.truncated_at);
    const auto back = decode_commit_metadata(0, encoded.text);
    REQUIRE(back);
    REQUIRE_FALSE(back->handled.empty());
    CHECK(back->handled.back().end <= *encoded.truncated_at);
    CHECK(std::equal(back->handled.begin(), back->handled.end(), far.handled.begin()));
  }
  SUBCASE("another client's metadata, or damaged, means nothing is known past the offset")
  {
    CHECK_FALSE(decode_commit_metadata(5, ""));
    CHECK_FALSE(decode_commit_metadata(5, "connect-offsets"));
    CHECK_FALSE(decode_commit_metadata(5, "dlqcat1;h=0.1"));  // a run of nothing
    CHECK_FALSE(decode_commit_metadata(5, "dlqcat1;h=1.1.1")); // ends in a gap
    CHECK_FALSE(decode_commit_metadata(5, "dlqcat1;r=4"));     // read before the commit
    CHECK_FALSE(decode_commit_metadata(5, "dlqcat1;h=1.x"));
    CHECK_FALSE(decode_commit_metadata(5, "dlqcat1;b=!!"));
    CHECK_FALSE(decode_commit_metadata(5, "dlqcat1;h=99999999999999999999.1"));
    CHECK(decode_commit_metadata(5, "dlqcat1") == CommitMetadata{});
  }
}

TEST_SUITE_END();
