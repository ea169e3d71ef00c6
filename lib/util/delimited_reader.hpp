#pragma once

// Splits a byte stream into records at a (possibly multi-byte) delimiter, after kcat's input.c
// inbuf_read_to_delimeter(): bytes already searched are not searched again, and a record may not
// grow past a bound, so a missing delimiter cannot eat all memory.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace dlq::util {

// The pure core: feed bytes in, take records out. No I/O, so every split can be unit-tested.
class DelimitedSplitter
{
public:
  // Throws InputError `delimiter must not be empty` for an empty delimiter.
  DelimitedSplitter(std::string delimiter, size_t max_record_size);

  // Appends input.
  void feed(std::string_view bytes);

  // The next complete record, without its delimiter; std::nullopt until more input is fed. Empty
  // records (two delimiters in a row) are returned as empty strings: the caller decides.
  // Throws InputError `record larger than N bytes` once a record must exceed max_record_size.
  std::optional<std::string> next();

  // At EOF: complete records first (as next()), then the trailing bytes that no delimiter ended,
  // if any, then std::nullopt. Throws as next().
  std::optional<std::string> finish();

private:
  std::string m_delimiter;
  size_t m_max_record_size;
  std::string m_buffer;
  size_t m_start = 0; // where the unreturned bytes begin in m_buffer
  size_t m_scan = 0;  // where the next search may begin: no delimiter starts in [m_start, m_scan)

  [[noreturn]] void throw_too_large() const;
};

// The I/O shell: read(2) in 64 KiB chunks from a file descriptor it does not own.
class DelimitedReader
{
public:
  DelimitedReader(int fd, std::string delimiter, size_t max_record_size);

  // The next record (see DelimitedSplitter), std::nullopt at EOF. EINTR is retried, except when
  // it was SIGINT/SIGTERM (util/interrupt.hpp): then std::nullopt, without the partial record, so
  // that Ctrl-C on an idle terminal is seen at once. Throws IoError with strerror's text.
  std::optional<std::string> next();

private:
  int m_fd;
  DelimitedSplitter m_splitter;
  std::string m_chunk;
  bool m_eof = false;
};

} // namespace dlq::util
