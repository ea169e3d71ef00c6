// util::scan_json against nlohmann's SAX parser, event by event: both accept or both reject,
// with the same events (strings byte for byte, integers by value) up to where they stop; and
// with every other string value declined (JsonEvents::wants_string), the same verdict. What
// nests deeper than the limit (util::k_max_json_depth, or 3 for inputs ending in an odd byte,
// so that the fuzzer reaches it) is refused, as json_nests_deeper_than says; raw string bytes
// (kcat's -J) change nothing but the UTF-8 check.

#include "util/json_scan.hpp"
#include "util/utf8.hpp"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <string>
#include <vector>

namespace {

using json = nlohmann::json;

struct Recorder : dlq::util::JsonEvents
{
  bool decline_odd = false; // decline every other string value: they must come as ""
  size_t strings = 0;
  std::vector<std::string> events;
  bool wants_string() override { return !decline_odd || strings++ % 2 == 0; }
  void null() override { events.emplace_back("null"); }
  void boolean(bool value) override { events.emplace_back(value ? "true" : "false"); }
  void number_integer(int64_t value) override { events.push_back("i" + std::to_string(value)); }
  void number_unsigned(uint64_t value) override { events.push_back("u" + std::to_string(value)); }
  void number_float(std::string_view) override { events.emplace_back("f"); }
  void string(std::string& value) override { events.push_back("s" + value); }
  void key(std::string& name) override { events.push_back("k" + name); }
  void start_object() override { events.emplace_back("{"); }
  void end_object() override { events.emplace_back("}"); }
  void start_array() override { events.emplace_back("["); }
  void end_array() override { events.emplace_back("]"); }
};

struct Reference : json::json_sax_t
{
  std::vector<std::string> events;
  bool null() override { return add("null"); }
  bool boolean(bool value) override { return add(value ? "true" : "false"); }
  bool number_integer(number_integer_t value) override { return add("i" + std::to_string(value)); }
  bool number_unsigned(number_unsigned_t value) override { return add("u" + std::to_string(value)); }
  bool number_float(number_float_t, const string_t&) override { return add("f"); }
  bool string(string_t& value) override { return add("s" + value); }
  bool binary(binary_t&) override { return add("b"); }
  bool start_object(std::size_t) override { return add("{"); }
  bool key(string_t& name) override { return add("k" + name); }
  bool end_object() override { return add("}"); }
  bool start_array(std::size_t) override { return add("["); }
  bool end_array() override { return add("]"); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }
  bool add(std::string event)
  {
    events.push_back(std::move(event));
    return true;
  }
};

} // namespace

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  const std::string text(reinterpret_cast<const char*>(data), size);
  Recorder mine;
  Reference theirs;
  const bool ours = static_cast<bool>(dlq::util::scan_json(text, mine));
  // The scanner refuses what nests deeper than its limit; nlohmann has none. Nesting is the
  // fuzzer's to find: the limit is lowered to 3 levels for half the inputs.
  // (Both take a NUL byte for the end of the input: the depth is that of what comes before.)
  const auto before_nul = std::string_view(text).substr(0, text.find('\0'));
  const bool deep_input = !text.empty() && (static_cast<unsigned char>(text.back()) & 1) != 0;
  const size_t limit = deep_input ? 3 : dlq::util::k_max_json_depth;
  if (dlq::util::json_nests_deeper_than(before_nul, limit)) {
    Recorder limited;
    if (dlq::util::scan_json(text, limited, {.max_depth = limit})) {
      std::abort(); // accepted something nested deeper than it allows
    }
  }
  const bool reference = json::sax_parse(text, &theirs) && !dlq::util::json_nests_deeper_than(before_nul);
  if (ours != reference) {
    std::abort();
  }
  if (ours && mine.events != theirs.events) {
    std::abort();
  }
  // Leniency takes string bytes as they are and changes nothing else.
  Recorder raw;
  const bool lenient = static_cast<bool>(dlq::util::scan_json(text, raw, {.raw_bytes_in_strings = true}));
  if (ours && (!lenient || raw.events != mine.events)) {
    std::abort();
  }
  if (dlq::util::is_valid_utf8(text) && lenient != ours) {
    std::abort();
  }
  // Declined strings are checked as strictly, and arrive empty.
  Recorder declining;
  declining.decline_odd = true;
  if (static_cast<bool>(dlq::util::scan_json(text, declining)) != reference) {
    std::abort();
  }
  if (reference) {
    size_t strings = 0;
    for (auto& event : theirs.events) {
      if (event[0] == 's' && strings++ % 2 == 1) {
        event = "s";
      }
    }
    if (declining.events != theirs.events) {
      std::abort();
    }
  }
  return 0;
}
