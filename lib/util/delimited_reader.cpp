#include "util/delimited_reader.hpp"

#include "util/error.hpp"
#include "util/interrupt.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <unistd.h>

namespace dlq::util {

namespace {

constexpr size_t k_chunk_size = 64 * 1024;

} // namespace

DelimitedSplitter::DelimitedSplitter(std::string delimiter, size_t max_record_size)
  : m_delimiter(std::move(delimiter)),
    m_max_record_size(max_record_size)
{
  if (m_delimiter.empty()) {
    // kcat would index before the delimiter's start; there is no sensible split either.
    throw InputError("delimiter must not be empty");
  }
}

void
DelimitedSplitter::feed(std::string_view bytes)
{
  // Drop what was returned before growing the buffer. Only the unfinished tail moves, which is at
  // most one read's worth once its records are taken, so the copying stays linear in the input.
  if (m_start > 0) {
    m_buffer.erase(0, m_start);
    m_scan -= m_start;
    m_start = 0;
  }
  m_buffer.append(bytes);
}

std::optional<std::string>
DelimitedSplitter::next()
{
  const std::string_view buffer(m_buffer);
  const auto found = buffer.find(m_delimiter, m_scan);
  if (found == std::string_view::npos) {
    // A delimiter may still begin in the last (size - 1) bytes and be completed by the next feed;
    // everything before them has been ruled out and is never searched again.
    const size_t keep = m_delimiter.size() - 1;
    m_scan = std::max(m_scan, buffer.size() > keep ? buffer.size() - keep : 0);
    // The record is now at least (m_scan - m_start) bytes long, whatever comes next.
    if (m_scan - m_start > m_max_record_size) {
      throw_too_large();
    }
    return std::nullopt;
  }
  if (found - m_start > m_max_record_size) {
    throw_too_large();
  }
  std::string record(buffer.substr(m_start, found - m_start));
  m_start = found + m_delimiter.size();
  m_scan = m_start;
  return record;
}

std::optional<std::string>
DelimitedSplitter::finish()
{
  if (auto record = next()) {
    return record;
  }
  if (m_start == m_buffer.size()) {
    return std::nullopt;
  }
  if (m_buffer.size() - m_start > m_max_record_size) {
    throw_too_large();
  }
  std::string record(m_buffer, m_start);
  m_buffer.clear();
  m_start = 0;
  m_scan = 0;
  return record;
}

void
DelimitedSplitter::throw_too_large() const
{
  throw InputError(fmt::format("record larger than {} bytes", m_max_record_size));
}

DelimitedReader::DelimitedReader(int fd, std::string delimiter, size_t max_record_size)
  : m_fd(fd),
    m_splitter(std::move(delimiter), max_record_size)
{
}

std::optional<std::string>
DelimitedReader::next()
{
  while (true) {
    if (m_eof) {
      return m_splitter.finish();
    }
    if (auto record = m_splitter.next()) {
      return record;
    }
    m_chunk.resize(k_chunk_size);
    const ssize_t n = ::read(m_fd, m_chunk.data(), m_chunk.size());
    if (n < 0) {
      if (errno == EINTR) {
        if (interrupt_requested()) {
          return std::nullopt;
        }
        continue;
      }
      throw IoError(fmt::format("read failed: {}", std::strerror(errno)));
    }
    if (n == 0) {
      m_eof = true;
      continue;
    }
    m_splitter.feed(std::string_view(m_chunk.data(), static_cast<size_t>(n)));
  }
}

} // namespace dlq::util
