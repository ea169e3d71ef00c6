#pragma once

// The colours of dlqcat's human output (consume-dlq's blocks, inspect-headers' lines): the only
// escape sequences it ever writes, and only when colour is on (cmd/terminal.hpp decides).

#include <string>
#include <string_view>

namespace dlq::format {

inline constexpr std::string_view k_bold = "\x1b[1m";
inline constexpr std::string_view k_red = "\x1b[31m";
inline constexpr std::string_view k_dim = "\x1b[2m";
inline constexpr std::string_view k_reset = "\x1b[0m";

class Painter
{
public:
  explicit Painter(bool enabled) : m_enabled(enabled) {}
  // `text` in `style`, or as it is when colour is off. `text` must already be safe to show.
  std::string operator()(std::string_view style, std::string_view text) const
  {
    std::string out;
    if (m_enabled) {
      out.append(style);
    }
    out.append(text);
    if (m_enabled) {
      out.append(k_reset);
    }
    return out;
  }

private:
  bool m_enabled;
};

} // namespace dlq::format
