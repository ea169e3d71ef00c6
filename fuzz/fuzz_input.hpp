#pragma once

// Splits a fuzzer's bytes into the pieces a target needs, deterministically: the same input always
// builds the same record, so that a crash reproduces from its file.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace dlq::fuzz {

class Input
{
public:
  Input(const uint8_t* data, size_t size) : m_rest(reinterpret_cast<const char*>(data), size) {}

  bool empty() const noexcept { return m_rest.empty(); }

  uint8_t byte()
  {
    if (m_rest.empty()) {
      return 0;
    }
    const auto b = static_cast<uint8_t>(m_rest.front());
    m_rest.remove_prefix(1);
    return b;
  }

  // A length-prefixed piece (one length byte: 0-255 bytes).
  std::string piece()
  {
    const size_t n = std::min<size_t>(byte(), m_rest.size());
    std::string out(m_rest.substr(0, n));
    m_rest.remove_prefix(n);
    return out;
  }

  std::string rest()
  {
    std::string out(m_rest);
    m_rest = {};
    return out;
  }

private:
  std::string_view m_rest;
};

} // namespace dlq::fuzz
