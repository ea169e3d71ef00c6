#pragma once

// What may go to a terminal: colour only on a TTY (--color auto) and never when NO_COLOR is
// set (no-color.org); progress lines only on a TTY stderr. Nothing decorative reaches a pipe.

#include <string_view>

namespace dlq::cmd {

// Pure: the --color setting (auto, always, never), whether the stream is a terminal, whether
// NO_COLOR is set to a non-empty value.
bool color_enabled(std::string_view setting, bool is_tty, bool no_color_env);

// color_enabled() for file descriptor `fd` and this process's environment.
bool use_color(std::string_view setting, int fd);

} // namespace dlq::cmd
