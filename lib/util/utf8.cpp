#include "util/utf8.hpp"

#include <cstdint>

namespace dlq::util {

bool
is_valid_utf8(std::string_view text) noexcept
{
  const auto* p = reinterpret_cast<const uint8_t*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    // Fast path: eight ASCII bytes at a time.
    while (end - p >= 8) {
      uint64_t block = 0;
      for (int i = 0; i < 8; ++i) {
        block |= uint64_t(p[i]) << (8 * i);
      }
      if (block & 0x8080808080808080ULL) {
        break;
      }
      p += 8;
    }
    if (p >= end) {
      break;
    }
    const uint8_t c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    int length;
    uint8_t min_second = 0x80;
    uint8_t max_second = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      length = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      length = 3;
      if (c == 0xE0) {
        min_second = 0xA0; // overlong
      } else if (c == 0xED) {
        max_second = 0x9F; // surrogates
      }
    } else if (c >= 0xF0 && c <= 0xF4) {
      length = 4;
      if (c == 0xF0) {
        min_second = 0x90; // overlong
      } else if (c == 0xF4) {
        max_second = 0x8F; // above U+10FFFF
      }
    } else {
      return false;
    }
    if (end - p < length) {
      return false;
    }
    if (p[1] < min_second || p[1] > max_second) {
      return false;
    }
    for (int i = 2; i < length; ++i) {
      if ((p[i] & 0xC0) != 0x80) {
        return false;
      }
    }
    p += length;
  }
  return true;
}

} // namespace dlq::util
