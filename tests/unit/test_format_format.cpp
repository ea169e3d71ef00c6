#include "error.hpp"
#include "error_context.hpp"
#include "format/format.hpp"
#include "record/record.hpp"

#include <doctest/doctest.h>

#include <string>
#include <string_view>

using dlq::ErrorContext;
using dlq::record::Record;
using namespace std::string_literals;

namespace {

Record
sample_record()
{
  Record record;
  record.topic = "person.dlq";
  record.partition = 2;
  record.offset = 42;
  record.timestamp = 1550313955799;
  record.key = "3";
  record.value = "{\"id\":3}";
  record.headers = {{"a", "1"}, {"empty", ""}, {"nul", std::nullopt}, {"a", "2"}};
  return record;
}

ErrorContext
sample_error()
{
  ErrorContext error;
  error.dialect = "connect";
  error.original.topic = "person";
  error.original.partition = 0;
  error.original.offset = 9;
  error.exception.class_name = "org.apache.kafka.connect.errors.DataException";
  error.exception.message = "Converting byte[] to Kafka Connect data failed";
  error.stage = "VALUE_CONVERTER";
  error.attempts = 3;
  return error;
}

std::string
render(std::string_view format, const Record& record, const ErrorContext* error = nullptr)
{
  std::string out;
  dlq::format::render(out, dlq::format::compile(format), record, error);
  return out;
}

} // namespace

TEST_SUITE_BEGIN("format");

TEST_CASE("format::compile")
{
  using dlq::format::compile;
  SUBCASE("empty")
  {
    CHECK_THROWS_WITH_AS(compile(""), "-f: empty format string", dlq::UsageError);
  }
  SUBCASE("unknown token")
  {
    CHECK_THROWS_WITH_AS(compile("%s %X"), "-f: unsupported formatter \"%X\"", dlq::UsageError);
  }
  SUBCASE("kcat's %u is not a token")
  {
    CHECK_THROWS_WITH_AS(compile("%u"), "-f: unsupported formatter \"%u\"", dlq::UsageError);
  }
  SUBCASE("unknown multi-byte character is quoted whole")
  {
    CHECK_THROWS_WITH_AS(compile("%\xc3\xa9"), "-f: unsupported formatter \"%\xc3\xa9\"", dlq::UsageError);
  }
  SUBCASE("lone % at the end")
  {
    CHECK_THROWS_WITH_AS(compile("%s\\n%"), "-f: unsupported formatter \"%\"", dlq::UsageError);
  }
  SUBCASE("only %")
  {
    CHECK_THROWS_WITH_AS(compile("%"), "-f: unsupported formatter \"%\"", dlq::UsageError);
  }
  SUBCASE("truncated \\x")
  {
    CHECK_THROWS_WITH_AS(compile("%s\\x"), "-f: invalid escape in \"%s\\x\": \\x needs 1 or 2 hex digits",
                         dlq::UsageError);
  }
  SUBCASE("valid formats compile")
  {
    CHECK_NOTHROW(compile("%t %p %o %k %s %K %S %R %T %h %% %E %M %O %A %G %d\\n"));
  }
}

TEST_CASE("format::Template::uses_error_context")
{
  using dlq::format::compile;
  CHECK_FALSE(compile("%t %p %o %k %s %K %S %R %T %h %%").uses_error_context());
  for (const auto* format : {"%E", "%M", "%O", "%A", "%G", "%d", "x %s %d"}) {
    CAPTURE(format);
    CHECK(compile(format).uses_error_context());
  }
}

TEST_CASE("format::render")
{
  const auto record = sample_record();
  const auto error = sample_error();

  SUBCASE("record tokens")
  {
    struct Case
    {
      std::string_view format;
      std::string out;
    };
    const Case cases[] = {
      {"%t", "person.dlq"},
      {"%p", "2"},
      {"%o", "42"},
      {"%T", "1550313955799"},
      {"%k", "3"},
      {"%s", "{\"id\":3}"},
      {"%K", "1"},
      {"%S", "8"},
      {"%R", "\0\0\0\x08"s},
      {"%h", "a=1,empty=,nul=NULL,a=2"},
      {"%%", "%"},
      {"100%%", "100%"},
      {"%%s", "%s"},
      {"plain text", "plain text"},
      {"%t [%p] @ %o: %k=%s\\n", "person.dlq [2] @ 42: 3={\"id\":3}\n"},
      {"%s%s", "{\"id\":3}{\"id\":3}"},
      {"\\t%o\\r\\n", "\t42\r\n"},
      {"\\x25s", "%s"},   // escapes apply after the split at '%', as in kcat
      {"\\%s", "\\{\"id\":3}"}, // a backslash before '%' ends its run: kept
      {"\\0", "\0"s},
    };
    for (const auto& c : cases) {
      CAPTURE(c.format);
      CHECK(render(c.format, record) == c.out);
    }
  }

  SUBCASE("null key and value")
  {
    auto nulls = record;
    nulls.key.reset();
    nulls.value.reset();
    CHECK(render("[%k][%s] %K %S", nulls) == "[][] -1 -1");
    CHECK(render("%R", nulls) == "\xff\xff\xff\xff");
  }

  SUBCASE("empty key and value are not null")
  {
    auto empty = record;
    empty.key = "";
    empty.value = "";
    CHECK(render("[%k][%s] %K %S", empty) == "[][] 0 0");
    CHECK(render("%R", empty) == "\0\0\0\0"s);
  }

  SUBCASE("binary bytes are written as they are")
  {
    auto binary = record;
    binary.key = "\x00\xff"s;
    binary.value = "\xac\xed\x00\x05"s;
    CHECK(render("%k|%s|%K|%S", binary) == "\x00\xff|\xac\xed\x00\x05|2|4"s);
  }

  SUBCASE("headers")
  {
    auto headers = record;
    headers.headers.clear();
    CHECK(render("<%h>", headers) == "<>");
    headers.headers = {{"only", std::nullopt}};
    CHECK(render("%h", headers) == "only=NULL");
    headers.headers = {{"bin", "\x00\x01"s}};
    CHECK(render("%h", headers) == "bin=\x00\x01"s);
  }

  SUBCASE("no timestamp")
  {
    auto untimed = record;
    untimed.timestamp = -1;
    CHECK(render("%T", untimed) == "-1");
  }

  SUBCASE("error tokens with a context")
  {
    CHECK(render("%E", record, &error) == "org.apache.kafka.connect.errors.DataException");
    CHECK(render("%M", record, &error) == "Converting byte[] to Kafka Connect data failed");
    CHECK(render("%O", record, &error) == "person [0] @ 9");
    CHECK(render("%A", record, &error) == "3");
    CHECK(render("%G", record, &error) == "VALUE_CONVERTER");
    CHECK(render("%d", record, &error) == "connect");
    CHECK(render("%t/%p/%o <- %O: %E", record, &error)
          == "person.dlq/2/42 <- person [0] @ 9: org.apache.kafka.connect.errors.DataException");
  }

  SUBCASE("error tokens without a context render empty")
  {
    CHECK(render("[%E][%M][%O][%A][%G][%d]", record, nullptr) == "[][][][][][]");
  }

  SUBCASE("error tokens with absent fields render empty")
  {
    ErrorContext sparse;
    sparse.dialect = "spring";
    CHECK(render("[%E][%M][%O][%A][%G][%d]", record, &sparse) == "[][][][][][spring]");
  }

  SUBCASE("partly known original")
  {
    ErrorContext partial;
    partial.original.topic = "person";
    CHECK(render("%O", record, &partial) == "person");
    partial.original.partition = 1;
    CHECK(render("%O", record, &partial) == "person [1]");
    partial.original.topic.reset();
    partial.original.offset = 7;
    CHECK(render("%O", record, &partial) == "- [1] @ 7");
  }

  SUBCASE("render appends")
  {
    std::string out = "before:";
    const auto tpl = dlq::format::compile("%o;");
    dlq::format::render(out, tpl, record, nullptr);
    dlq::format::render(out, tpl, record, nullptr);
    CHECK(out == "before:42;42;");
  }
}

TEST_SUITE_END();
