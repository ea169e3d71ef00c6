#include "util/hex.hpp"

namespace dlq::util {

std::string
to_hex(std::string_view bytes)
{
  std::string hex;
  hex.reserve(bytes.size() * 2);
  for (const char c : bytes) {
    append_hex_byte(hex, static_cast<unsigned char>(c));
  }
  return hex;
}

} // namespace dlq::util
