#pragma once

// util's error for input it cannot take (an empty delimiter, a record over the size limit). util
// depends on nothing of dlq's, so it defines the type itself; cmd's exit_code_for maps it as it
// maps dlq::UsageError (exit 2): bad input given by the user.

#include <stdexcept>

namespace dlq::util {

class InputError : public std::runtime_error
{
public:
  using std::runtime_error::runtime_error;
};

} // namespace dlq::util
