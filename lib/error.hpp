#pragma once

// Error categories. Each maps to one exit code in cmd/exit_code.cpp (exit_code_for); the library
// throws them and never exits or prints.

#include "util/error.hpp"
#include "util/interrupt.hpp"

#include <stdexcept>
#include <string>

namespace dlq {

class Error : public std::runtime_error
{
public:
  using std::runtime_error::runtime_error;
};

// Bad command line or bad input data given by the user: exit 2.
class UsageError : public Error
{
public:
  using Error::Error;
};

// The Kafka client or cluster failed: exit 1.
class KafkaError : public Error
{
public:
  KafkaError(const std::string& message, int code = 0, bool fatal = false, bool retriable = false)
    : Error(message),
      m_code(code),
      m_fatal(fatal),
      m_retriable(retriable)
  {
  }

  // librdkafka's error code (lib/kafka interprets it); an int so that this header does not need
  // librdkafka.
  int code() const noexcept { return m_code; }
  bool fatal() const noexcept { return m_fatal; }
  bool retriable() const noexcept { return m_retriable; }

private:
  int m_code;
  bool m_fatal;
  bool m_retriable;
};

// Some records were not acknowledged by the cluster: exit 1.
class DeliveryError : public Error
{
public:
  using Error::Error;
};

// PostgreSQL refused a connection or a statement we depend on: exit 1.
class DatabaseError : public Error
{
public:
  using Error::Error;
};

// The Kafka Connect REST API failed: exit 1.
class ConnectError : public Error
{
public:
  using Error::Error;
};

// Two categories are util's own types, because util throws them and depends on nothing of dlq's
// (lib/util/error.hpp, lib/util/interrupt.hpp); they derive from std::runtime_error, not Error.
// util's bad input (util::InputError, lib/util/error.hpp) is UsageError's category: exit 2.
// Reading or writing a file or stream failed: exit 1.
using IoError = util::IoError;
// SIGINT/SIGTERM arrived; the work done so far was shut down cleanly: exit 130.
using Interrupted = util::Interrupted;

} // namespace dlq
