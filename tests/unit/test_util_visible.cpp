#include "util/visible.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace dlq::util;
using namespace std::string_literals;

TEST_SUITE_BEGIN("util");

TEST_CASE("util::visible")
{
  CHECK(visible("plain text, café € 😀") == "plain text, café € 😀");
  CHECK(visible("\x1b[2J\x1b]0;owned\x07") == "\\x1B[2J\\x1B]0;owned\\x07");
  CHECK(visible("a\tb\nc\rd") == "a\\tb\\nc\\rd");
  CHECK(visible("nul\0byte"s) == "nul\\x00byte");
  CHECK(visible("del\x7f") == "del\\x7F");
  CHECK(visible("\xc2\x9b" "31m") == "\\u009B31m");                // C1 CSI, as UTF-8
  CHECK(visible("\xe2\x80\xae" "evil") == "\\u202Eevil");           // right-to-left override
  CHECK(visible("line\xe2\x80\xa8sep") == "line\\u2028sep");
  CHECK(visible("bad \xff\xfe utf8 \xe2\x82") == "bad \\xFF\\xFE utf8 \\xE2\\x82");
  CHECK(visible("\\x1B stays as typed") == "\\x1B stays as typed"); // backslashes are not doubled
}

TEST_CASE("util::visible never lets a control byte through")
{
  for (int c = 0; c < 256; ++c) {
    for (const std::string& text : {std::string(1, static_cast<char>(c)), "a" + std::string(1, static_cast<char>(c)) + "b",
                                    "\xc2" + std::string(1, static_cast<char>(c))}) {
      const auto shown = visible(text);
      CAPTURE(c);
      for (const char byte : shown) {
        const auto u = static_cast<unsigned char>(byte);
        CHECK((u >= 0x20 && u != 0x7f));
      }
      CHECK(is_visible(shown));
      CHECK(is_visible(text) == (shown == text));
    }
  }
}

TEST_SUITE_END();
