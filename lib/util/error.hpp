#pragma once

// util's own errors. util depends on nothing of dlq's, so it defines them itself; cmd's
// exit_code_for maps them like dlq's categories (lib/error.hpp names IoError dlq::IoError beside
// them). The third, Interrupted, lives with the interrupt flag (util/interrupt.hpp).

#include <stdexcept>

namespace dlq::util {

// A file or stream could not be read or written: exit 1.
class IoError : public std::runtime_error
{
public:
  using std::runtime_error::runtime_error;
};

// Input util cannot take (an empty delimiter, a record over the size limit): bad input given by
// the user, exit 2 like dlq::UsageError.
class InputError : public std::runtime_error
{
public:
  using std::runtime_error::runtime_error;
};

} // namespace dlq::util
