#pragma once

// util's error for a file or stream that cannot be read or written. util depends on nothing of
// dlq's, so it defines the type itself; lib/error.hpp names it dlq::IoError beside the other
// categories, and cmd's exit_code_for maps it (exit 1).

#include <stdexcept>

namespace dlq::util {

class IoError : public std::runtime_error
{
public:
  using std::runtime_error::runtime_error;
};

} // namespace dlq::util
