#pragma once

// Untrusted bytes (keys, values, header names and values, topics, exception texts) made safe for
// a terminal: nothing a terminal acts on gets through (ESC[2J, OSC titles, CR overwriting a line,
// NUL, C1 controls, bidirectional overrides), and bytes that are not UTF-8 stay visible.

#include <string>
#include <string_view>

namespace dlq::util {

// Appends `text` with \t \n \r written as those two-character escapes, every other C0 control
// and DEL as \xNN, a byte that is not part of valid UTF-8 as \xNN, and the C1 controls
// (U+0080-U+009F), bidirectional controls (U+200E, U+200F, U+202A-U+202E, U+2066-U+2069) and
// line/paragraph separators (U+2028, U+2029) as \uNNNN. Everything else is copied.
void append_visible(std::string& out, std::string_view text);
std::string visible(std::string_view text);

// True when append_visible() would copy `text` unchanged.
bool is_visible(std::string_view text) noexcept;

} // namespace dlq::util
