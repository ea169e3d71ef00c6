#pragma once

// Finding the bytes that end a plain run of JSON string text, 16 bytes at a time: the hot loop of
// writing JSON lines (stack traces, payloads) and of reading envelopes. SSE2 is part of x86-64,
// so it is always there; other machines get the same answer from two 8-byte words.

#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace dlq::util {

constexpr size_t k_scan_block = 16;

// Bit i is set when byte p[i] (of the 16 at p) is a control byte (< 0x20), '"' or '\\', or, with
// NonAscii, any byte >= 0x80; from two 8-byte words, for machines without SSE2. Each test keeps
// every byte's sum below 0x100 (the low 7 bits plus at most 0x7f), so no carry crosses into the
// next byte and every bit is exact, as with SSE2: callers may drop the low bits of a mask.
template <bool NonAscii>
inline unsigned
json_stops_portable(const char* p) noexcept
{
  static_assert(std::endian::native == std::endian::little, "bit i must be byte i");
  constexpr uint64_t ones = 0x0101010101010101ULL;
  constexpr uint64_t lows = 0x7f7f7f7f7f7f7f7fULL;
  constexpr uint64_t highs = 0x8080808080808080ULL;
  const auto word_stops = [](uint64_t word) {
    // High bit of a byte clear: the byte is 0.
    const auto is_zero = [](uint64_t v) { return ~(((v & lows) + lows) | v) & highs; };
    // High bit clear: the byte is below 0x20 (its low 7 bits do not reach 0x20, and bit 7 is 0).
    const uint64_t control = ~(((word & lows) + (0x80 - 0x20) * ones) | word) & highs;
    const uint64_t stops = control | is_zero(word ^ ('"' * ones)) | is_zero(word ^ ('\\' * ones))
                           | (NonAscii ? word & highs : 0);
    unsigned bits = 0;
    for (int i = 0; i < 8; ++i) {
      bits |= static_cast<unsigned>((stops >> (8 * i + 7)) & 1) << i;
    }
    return bits;
  };
  uint64_t words[2];
  std::memcpy(words, p, sizeof(words));
  return word_stops(words[0]) | word_stops(words[1]) << 8;
}

// The same stops, with SSE2 where it is there (always on x86-64).
template <bool NonAscii>
inline unsigned
json_stops(const char* p) noexcept
{
#if defined(__SSE2__)
  const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  // Signed: a byte < 0x20 is a control byte, or one >= 0x80 (negative); unsigned: only controls.
  const __m128i low = NonAscii ? _mm_cmplt_epi8(block, _mm_set1_epi8(0x20))
                               : _mm_cmpeq_epi8(_mm_subs_epu8(block, _mm_set1_epi8(0x1f)), _mm_setzero_si128());
  const __m128i quote = _mm_cmpeq_epi8(block, _mm_set1_epi8('"'));
  const __m128i backslash = _mm_cmpeq_epi8(block, _mm_set1_epi8('\\'));
  return static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(low, _mm_or_si128(quote, backslash))));
#else
  return json_stops_portable<NonAscii>(p);
#endif
}

// Bit i is set when byte p[i] (of the 16 at p) is >= 0x80; exact.
inline unsigned
non_ascii_bits(const char* p) noexcept
{
#if defined(__SSE2__)
  return static_cast<unsigned>(_mm_movemask_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))));
#else
  unsigned bits = 0;
  for (size_t i = 0; i < k_scan_block; ++i) {
    bits |= static_cast<unsigned>(static_cast<unsigned char>(p[i]) >> 7) << i;
  }
  return bits;
#endif
}

// Where `text` has `first` followed by `second`, from `from` on: the least such position, or
// std::string_view::npos. 16 positions at a time (a block and the block one byte later), so a
// search for a two-byte prefix such as `"e` does not stop at every quote of a quote-dense text.
inline size_t
find_pair(std::string_view text, char first, char second, size_t from = 0) noexcept
{
  const char* p = text.data();
  const size_t size = text.size();
  size_t i = from;
#if defined(__SSE2__)
  const auto pairs = [&](size_t at) {
    const __m128i here = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + at));
    const __m128i next = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + at + 1));
    return static_cast<unsigned>(_mm_movemask_epi8(
      _mm_and_si128(_mm_cmpeq_epi8(here, _mm_set1_epi8(first)), _mm_cmpeq_epi8(next, _mm_set1_epi8(second)))));
  };
  for (; i + k_scan_block + 1 <= size; i += k_scan_block) {
    if (const unsigned bits = pairs(i)) {
      return i + static_cast<size_t>(std::countr_zero(bits));
    }
  }
  // The last positions: the last whole block again, those already looked at shifted out.
  if (i + 1 < size && size >= k_scan_block + 1) {
    const size_t last = size - k_scan_block - 1;
    if (const unsigned bits = pairs(last) >> (i - last)) {
      return i + static_cast<size_t>(std::countr_zero(bits));
    }
    return std::string_view::npos;
  }
#endif
  for (; i + 1 < size; ++i) {
    if (p[i] == first && p[i + 1] == second) {
      return i;
    }
  }
  return std::string_view::npos;
}

// The 16 bytes of `text` from `at`, or near its end the rest of them padded with spaces (which
// neither stop a JSON string nor are non-ASCII) in `padded`.
inline const char*
block_at(std::string_view text, size_t at, char (&padded)[k_scan_block]) noexcept
{
  const size_t left = text.size() - at;
  if (left >= k_scan_block) {
    return text.data() + at;
  }
  std::memset(padded, ' ', k_scan_block);
  std::memcpy(padded, text.data() + at, left);
  return padded;
}

} // namespace dlq::util
