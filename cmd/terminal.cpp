#include "terminal.hpp"

#include <cstdlib>
#include <unistd.h>

namespace dlq::cmd {

bool
color_enabled(std::string_view setting, bool is_tty, bool no_color_env)
{
  if (setting == "always") {
    return true;
  }
  return setting == "auto" && is_tty && !no_color_env;
}

bool
use_color(std::string_view setting, int fd)
{
  const char* no_color = std::getenv("NO_COLOR");
  return color_enabled(setting, ::isatty(fd) != 0, no_color != nullptr && *no_color != '\0');
}

} // namespace dlq::cmd
