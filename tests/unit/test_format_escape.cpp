#include "error.hpp"
#include "format/escape.hpp"

#include <doctest/doctest.h>

#include <string>
#include <string_view>

using dlq::format::unescape;
using namespace std::string_literals;

TEST_SUITE_BEGIN("format");

TEST_CASE("format::unescape")
{
  struct Case
  {
    std::string_view in;
    std::string out;
  };
  const Case cases[] = {
    {"", ""},
    {"plain", "plain"},
    {"\\n", "\n"},
    {"\\r\\n", "\r\n"},
    {"a\\tb", "a\tb"},
    {"\\\\", "\\"},
    {"\\\\n", "\\n"},          // an escaped backslash, then a plain n
    {"\\x41", "A"},
    {"\\x4a\\x4A", "JJ"},      // either case
    {"\\xff", "\xff"},         // kcat's strtoul path misses a leading letter; we do not
    {"\\x7", "\x07"},          // one digit
    {"\\x41BC", "ABC"},        // at most two digits
    {"\\x54!\\x45\\x53T", "T!EST"}, // kcat's unittest_parse_delim
    {"\\x00", "\0"s},
    {"\\0", "\0"s},
    {"\\101", "A"},            // octal
    {"\\1012", "A2"},          // at most three octal digits
    {"\\12", "\n"},
    {"\\377", "\xff"},
    {"\\400", " 0"},           // \400 does not fit a byte: \40 then '0'
    {"\\08", "\0"s + "8"},     // 8 is not octal
    {"\\q", "q"},              // kcat's fmt_add drops the backslash
    {"\\8", "8"},
    {"\\\"", "\""},
    {"end\\", "end\\"},        // a lone trailing backslash is kept
  };
  for (const auto& c : cases) {
    CAPTURE(c.in);
    CHECK(unescape(c.in) == c.out);
  }
}

TEST_CASE("format::unescape errors")
{
  SUBCASE("\\x at the end")
  {
    CHECK_THROWS_WITH_AS(unescape("a\\x"), "invalid escape in \"a\\x\": \\x needs 1 or 2 hex digits", dlq::UsageError);
  }
  SUBCASE("\\x without hex digits")
  {
    CHECK_THROWS_WITH_AS(unescape("\\xg"), "invalid escape in \"\\xg\": \\x needs 1 or 2 hex digits", dlq::UsageError);
  }
}

TEST_CASE("format::append_unescaped")
{
  std::string out = "kept:";
  CHECK(dlq::format::append_unescaped(out, "\\t"));
  CHECK(out == "kept:\t");
  CHECK_FALSE(dlq::format::append_unescaped(out, "\\x"));
}

TEST_SUITE_END();
