#include "util/byte_scan.hpp"

#include <doctest/doctest.h>

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>

using namespace dlq::util;
using namespace std::string_literals;

TEST_SUITE_BEGIN("util");

TEST_CASE("util::json_stops finds every stop byte, with SSE2 and without")
{
  // Every byte value at every position of a block of plain text, and a second stop after it:
  // both implementations must give the same mask (the writer shifts its low bits away).
  const auto first = [](unsigned bits) { return bits == 0 ? 16 : std::countr_zero(bits); };
  for (int value = 0; value < 256; ++value) {
    const auto c = static_cast<unsigned char>(value);
    const bool stop = c < 0x20 || c == '"' || c == '\\';
    const bool non_ascii = c >= 0x80;
    for (int at = 0; at < 16; ++at) {
      char block[16];
      std::memset(block, 'a', sizeof(block));
      block[at] = static_cast<char>(c);
      if (at < 15) {
        block[15] = '"';
      }
      CAPTURE(value);
      CAPTURE(at);
      const int plain = stop ? at : (at < 15 ? 15 : 16);
      const int strict = stop || non_ascii ? at : (at < 15 ? 15 : 16);
      CHECK(first(json_stops<false>(block)) == plain);
      CHECK(first(json_stops_portable<false>(block)) == plain);
      CHECK(first(json_stops<true>(block)) == strict);
      CHECK(json_stops_portable<false>(block) == json_stops<false>(block));
      CHECK(json_stops_portable<true>(block) == json_stops<true>(block));
      CHECK(first(non_ascii_bits(block)) == (non_ascii ? at : 16));
    }
  }
  // Blocks of bytes near every boundary of the tests, in every mix.
  const unsigned char edges[] = {0x00, 0x01, 0x1f, 0x20, 0x21, '"', '#', '[', '\\', ']', 0x7f, 0x80, 0x9f, 0xa0, 0xdf, 0xe0, 0xff};
  uint32_t seed = 7;
  for (int round = 0; round < 20000; ++round) {
    char block[16];
    for (auto& byte : block) {
      seed = seed * 1103515245 + 12345;
      byte = static_cast<char>(edges[(seed >> 16) % sizeof(edges)]);
    }
    CHECK(json_stops_portable<false>(block) == json_stops<false>(block));
    CHECK(json_stops_portable<true>(block) == json_stops<true>(block));
  }
}

TEST_CASE("util::find_pair finds the first pair from any start, in blocks and in the tail")
{
  // Against a plain scan: texts of every length up to 70, pairs at random places, every start.
  const auto naive = [](std::string_view text, size_t from) {
    for (size_t i = from; i + 1 < text.size(); ++i) {
      if (text[i] == '"' && text[i + 1] == 'e') {
        return i;
      }
    }
    return std::string_view::npos;
  };
  uint32_t seed = 11;
  const char letters[] = {'"', 'e', 'x', '\\'};
  for (size_t size = 0; size <= 70; ++size) {
    for (int round = 0; round < 40; ++round) {
      std::string text(size, ' ');
      for (auto& c : text) {
        seed = seed * 1103515245 + 12345;
        c = (seed >> 16) % 5 == 0 ? letters[(seed >> 20) % 4] : 'a';
      }
      for (size_t from = 0; from <= size; ++from) {
        CAPTURE(text);
        CAPTURE(from);
        CHECK(find_pair(text, '"', 'e', from) == naive(text, from));
      }
    }
  }
  CHECK(find_pair("", '"', 'e') == std::string_view::npos);
  CHECK(find_pair("\"", '"', 'e') == std::string_view::npos);
  CHECK(find_pair(std::string(40, 'a') + "\"e", '"', 'e') == 40);
}

TEST_SUITE_END();
