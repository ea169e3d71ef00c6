#include "retry/commit_metadata.hpp"

#include "util/base64.hpp"

#include <algorithm>
#include <charconv>
#include <limits>

namespace dlq::retry {

namespace {

constexpr std::string_view k_prefix = "dlqcat1";
// Decoding bounds, whatever a cluster lets through: a bitmap of this many records at most.
constexpr int64_t k_max_decoded_span = int64_t(1) << 32;
constexpr size_t k_max_decoded_text = 1 << 20;

void
append_number(std::string& out, int64_t value)
{
  char digits[24];
  out.append(digits, std::to_chars(digits, digits + sizeof(digits), value).ptr);
}

// ";h=" of `handled` (all past `offset`), or "" when empty.
std::string
runs_form(int64_t offset, const std::vector<OffsetRange>& handled)
{
  std::string out;
  int64_t position = offset; // end of the previous run of handled records
  for (const auto& range : handled) {
    out += out.empty() ? ";h=" : ".";
    append_number(out, range.begin - position);
    out.push_back('.');
    append_number(out, range.end - range.begin);
    position = range.end;
  }
  return out;
}

std::string
bitmap_form(int64_t offset, const std::vector<OffsetRange>& handled)
{
  if (handled.empty()) {
    return {};
  }
  const int64_t span = handled.back().end - (offset + 1);
  std::string bits(static_cast<size_t>((span + 7) / 8), '\0');
  for (const auto& range : handled) {
    for (int64_t o = range.begin; o < range.end; ++o) {
      const int64_t i = o - (offset + 1);
      bits[static_cast<size_t>(i / 8)] = static_cast<char>(bits[static_cast<size_t>(i / 8)] | (1 << (i % 8)));
    }
  }
  return ";b=" + util::base64_encode(bits);
}

std::optional<int64_t>
parse_number(std::string_view text)
{
  int64_t value = 0;
  const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || result.ec != std::errc() || result.ptr != text.data() + text.size() || value < 0) {
    return std::nullopt;
  }
  return value;
}

// Appends [begin, end) to `ranges`, merging with the last range when they touch.
void
add_range(std::vector<OffsetRange>& ranges, int64_t begin, int64_t end)
{
  if (!ranges.empty() && ranges.back().end == begin) {
    ranges.back().end = end;
  } else {
    ranges.push_back({begin, end});
  }
}

bool
decode_runs(int64_t offset, std::string_view text, std::vector<OffsetRange>& handled)
{
  int64_t position = offset;
  bool gap = true;
  int64_t begin = 0;
  while (true) {
    const auto dot = text.find('.');
    const auto number = parse_number(text.substr(0, dot));
    if (!number || *number == 0 || *number > std::numeric_limits<int64_t>::max() - position
        || *number > k_max_decoded_span) {
      return false;
    }
    if (gap) {
      begin = position + *number;
    } else {
      add_range(handled, begin, begin + *number);
    }
    position += *number;
    gap = !gap;
    if (dot == std::string_view::npos) {
      return gap; // the last number is a run of handled records
    }
    text.remove_prefix(dot + 1);
  }
}

bool
decode_bitmap(int64_t offset, std::string_view text, std::vector<OffsetRange>& handled)
{
  const auto bits = util::base64_decode(text);
  if (!bits || bits->empty() || static_cast<int64_t>(bits->size()) * 8 > k_max_decoded_span) {
    return false;
  }
  for (size_t i = 0; i < bits->size() * 8; ++i) {
    if (((*bits)[i / 8] >> (i % 8)) & 1) {
      const int64_t o = offset + 1 + static_cast<int64_t>(i);
      add_range(handled, o, o + 1);
    }
  }
  return !handled.empty();
}

} // namespace

size_t
decimal_digits(int64_t value) noexcept
{
  size_t digits = 1;
  while (value >= 10) {
    value /= 10;
    ++digits;
  }
  return digits;
}

size_t
bitmap_chars(int64_t span) noexcept
{
  const auto bytes = static_cast<size_t>((span + 7) / 8);
  return 3 + 4 * ((bytes + 2) / 3);
}

EncodedMetadata
encode_commit_metadata(int64_t offset, const CommitMetadata& metadata)
{
  EncodedMetadata encoded;
  std::string read;
  if (metadata.read && *metadata.read > offset) {
    read = ";r=";
    append_number(read, *metadata.read);
  }
  const auto& handled = metadata.handled;
  const size_t budget = k_max_commit_metadata - k_prefix.size() - read.size();
  // How many ranges each form can hold within the budget, and its length then.
  size_t runs_kept = 0;
  size_t runs_length = 3; // ";h="
  int64_t position = offset;
  for (const auto& range : handled) {
    const size_t more = (runs_kept > 0 ? 1 : 0) + decimal_digits(range.begin - position) + 1
                        + decimal_digits(range.end - range.begin);
    if (runs_length + more > budget) {
      break;
    }
    runs_length += more;
    position = range.end;
    ++runs_kept;
  }
  size_t bits_kept = 0;
  while (bits_kept < handled.size() && bitmap_chars(handled[bits_kept].end - (offset + 1)) <= budget) {
    ++bits_kept;
  }
  const size_t kept = std::max(runs_kept, bits_kept);
  if (kept < handled.size()) {
    // Too many to record: the last ranges are left out (a later run may act on them again).
    encoded.truncated_at = handled[kept].begin;
  }
  const std::vector<OffsetRange> recorded(handled.begin(), handled.begin() + static_cast<ptrdiff_t>(kept));
  std::string form;
  if (kept > 0) {
    const bool runs = runs_kept == kept
                      && (bits_kept < kept || runs_length <= bitmap_chars(recorded.back().end - (offset + 1)));
    form = runs ? runs_form(offset, recorded) : bitmap_form(offset, recorded);
  }
  if (read.empty() && form.empty()) {
    return encoded;
  }
  encoded.text.reserve(k_prefix.size() + read.size() + form.size());
  encoded.text.append(k_prefix).append(read).append(form);
  return encoded;
}

std::optional<CommitMetadata>
decode_commit_metadata(int64_t offset, std::string_view text)
{
  if (!text.starts_with(k_prefix) || offset < 0 || text.size() > k_max_decoded_text) {
    return std::nullopt;
  }
  text.remove_prefix(k_prefix.size());
  CommitMetadata metadata;
  bool have_handled = false;
  while (!text.empty()) {
    if (text.front() != ';') {
      return std::nullopt;
    }
    text.remove_prefix(1);
    const auto end = text.find(';');
    const auto field = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end);
    if (field.size() < 2 || field[1] != '=') {
      return std::nullopt;
    }
    const auto value = field.substr(2);
    switch (field[0]) {
    case 'r': {
      const auto read = parse_number(value);
      if (!read || *read < offset || metadata.read) {
        return std::nullopt;
      }
      metadata.read = read;
      break;
    }
    case 'h':
    case 'b':
      if (have_handled || !(field[0] == 'h' ? decode_runs(offset, value, metadata.handled)
                                            : decode_bitmap(offset, value, metadata.handled))) {
        return std::nullopt;
      }
      have_handled = true;
      break;
    default:
      return std::nullopt;
    }
  }
  return metadata;
}

} // namespace dlq::retry
