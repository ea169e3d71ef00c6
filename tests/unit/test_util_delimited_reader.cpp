#include "util/delimited_reader.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <pthread.h>
#include <unistd.h>

using dlq::util::DelimitedReader;
using dlq::util::DelimitedSplitter;
using namespace std::string_literals;

namespace {

using Records = std::vector<std::string>;

// Feeds `chunks` one by one, taking every record that becomes complete, then finishes.
Records
split(std::string_view delimiter, const std::vector<std::string>& chunks, size_t max = 1024)
{
  DelimitedSplitter splitter{std::string(delimiter), max};
  Records records;
  for (const auto& chunk : chunks) {
    splitter.feed(chunk);
    while (auto record = splitter.next()) {
      records.push_back(std::move(*record));
    }
  }
  while (auto record = splitter.finish()) {
    records.push_back(std::move(*record));
  }
  return records;
}

// The same input cut at every possible place into two chunks, and fed one byte at a time: the
// result must never depend on where read(2) happened to stop.
void
check_all_cuts(std::string_view delimiter, const std::string& input, const Records& expected)
{
  for (size_t cut = 0; cut <= input.size(); ++cut) {
    CAPTURE(cut);
    CHECK(split(delimiter, {input.substr(0, cut), input.substr(cut)}) == expected);
  }
  std::vector<std::string> bytes;
  for (const char c : input) {
    bytes.emplace_back(1, c);
  }
  CHECK(split(delimiter, bytes) == expected);
}

struct Pipe
{
  int fds[2] = {-1, -1};
  Pipe() { REQUIRE(::pipe(fds) == 0); }
  ~Pipe()
  {
    close_write();
    ::close(fds[0]);
  }
  void close_write()
  {
    if (fds[1] >= 0) {
      ::close(fds[1]);
      fds[1] = -1;
    }
  }
  void write_all(std::string_view data) const
  {
    while (!data.empty()) {
      const auto n = ::write(fds[1], data.data(), data.size());
      REQUIRE(n > 0);
      data.remove_prefix(static_cast<size_t>(n));
    }
  }
};

extern "C" void
ignore_signal(int)
{
}

Records
read_all(DelimitedReader& reader)
{
  Records records;
  while (auto record = reader.next()) {
    records.push_back(std::move(*record));
  }
  return records;
}

} // namespace

TEST_SUITE_BEGIN("input");

TEST_CASE("util::DelimitedSplitter")
{
  SUBCASE("single-byte delimiter")
  {
    CHECK(split("\n", {"a\nbb\nccc\n"}) == Records{"a", "bb", "ccc"});
    check_all_cuts("\n", "a\nbb\nccc\n", {"a", "bb", "ccc"});
  }
  SUBCASE("multi-byte delimiter split across feeds")
  {
    CHECK(split(";KeyDel;", {"k1;Key", "Del;v1;K", "eyDel;"}) == Records{"k1", "v1"});
    check_all_cuts(":MyDilemma:", "Key1:MyDilemma:Value2:MyDilemma:", {"Key1", "Value2"});
  }
  SUBCASE("delimiter exactly at a chunk boundary")
  {
    CHECK(split("||", {"ab", "||", "cd"}) == Records{"ab", "cd"});
    CHECK(split("||", {"ab||", "cd||"}) == Records{"ab", "cd"});
    CHECK(split("||", {"ab|", "|cd"}) == Records{"ab", "cd"});
  }
  SUBCASE("partial delimiter that turns out not to be one")
  {
    check_all_cuts("abc", "xxabxabcyy", {"xxabx", "yy"});
    check_all_cuts("aab", "aaab", {"a"});
  }
  SUBCASE("overlapping delimiter candidates")
  {
    check_all_cuts("aab", "aaaabaab", {"aa", ""});
  }
  SUBCASE("empty records between delimiters are kept")
  {
    check_all_cuts("\n", "a\n\n\nb\n", {"a", "", "", "b"});
    check_all_cuts("\n", "\n", {""});
    check_all_cuts("<>", "<><>x", {"", "", "x"});
  }
  SUBCASE("trailing data without a delimiter")
  {
    check_all_cuts("\n", "a\nlast", {"a", "last"});
    check_all_cuts("--", "only-", {"only-"});
  }
  SUBCASE("no input")
  {
    CHECK(split("\n", {}).empty());
    CHECK(split("\n", {"", ""}).empty());
  }
  SUBCASE("binary bytes and NUL delimiter")
  {
    check_all_cuts("\0"s, "a\0\xff\x01\0"s, {"a", "\xff\x01"});
  }
  SUBCASE("next() waits for a complete record")
  {
    DelimitedSplitter splitter("\r\n", 100);
    splitter.feed("abc\r");
    CHECK_FALSE(splitter.next().has_value());
    splitter.feed("\ndef");
    CHECK(splitter.next() == "abc");
    CHECK_FALSE(splitter.next().has_value());
    CHECK(splitter.finish() == "def");
    CHECK_FALSE(splitter.finish().has_value());
  }
  SUBCASE("finish() returns buffered complete records first")
  {
    DelimitedSplitter splitter("\n", 100);
    splitter.feed("a\nb\nc");
    CHECK(splitter.finish() == "a");
    CHECK(splitter.finish() == "b");
    CHECK(splitter.finish() == "c");
    CHECK_FALSE(splitter.finish().has_value());
  }
}

TEST_CASE("util::DelimitedSplitter max record size")
{
  SUBCASE("a record of exactly the maximum passes")
  {
    CHECK(split("\n", {"1234\n12345"}, 5) == Records{"1234", "12345"});
    CHECK(split("<->", {"12345<-", ">"}, 5) == Records{"12345"});
  }
  SUBCASE("a complete record over the maximum")
  {
    CHECK_THROWS_WITH_AS(split("\n", {"123456\n"}, 5), "record larger than 5 bytes", dlq::util::InputError);
  }
  SUBCASE("a record still without delimiter fails as soon as it is too long")
  {
    DelimitedSplitter splitter("<->", 5);
    splitter.feed("1234567"); // a delimiter could still start at "67": the record is >= 5 bytes
    CHECK_FALSE(splitter.next().has_value());
    splitter.feed("8");
    CHECK_THROWS_WITH_AS(splitter.next(), "record larger than 5 bytes", dlq::util::InputError);
  }
  SUBCASE("trailing data over the maximum")
  {
    CHECK_THROWS_WITH_AS(split("\n", {"ok\n123456"}, 5), "record larger than 5 bytes", dlq::util::InputError);
  }
  SUBCASE("later records are measured from their own start")
  {
    CHECK(split("\n", {"12345\n12345\n123", "45\n"}, 5) == Records{"12345", "12345", "12345"});
  }
}

TEST_CASE("util::DelimitedSplitter empty delimiter")
{
  CHECK_THROWS_WITH_AS(DelimitedSplitter("", 10), "delimiter must not be empty", dlq::util::InputError);
}

TEST_CASE("util::DelimitedReader")
{
  SUBCASE("records over a pipe")
  {
    Pipe pipe;
    pipe.write_all("one\ntwo\n\nthree");
    pipe.close_write();
    DelimitedReader reader(pipe.fds[0], "\n", 1024);
    CHECK(read_all(reader) == Records{"one", "two", "", "three"});
    CHECK_FALSE(reader.next().has_value()); // EOF stays EOF
  }
  SUBCASE("more than one read's worth, from a writer thread")
  {
    // 3 x 100 KiB records with a multi-byte delimiter: several 64 KiB reads, delimiters across them.
    const std::string big(100 * 1024, 'x');
    Pipe pipe;
    std::thread writer([&] {
      for (char c : {'a', 'b', 'c'}) {
        pipe.write_all(c + big + "\r\n");
      }
      pipe.close_write();
    });
    DelimitedReader reader(pipe.fds[0], "\r\n", 200 * 1024);
    const auto records = read_all(reader);
    writer.join();
    REQUIRE(records.size() == 3);
    CHECK(records[0] == 'a' + big);
    CHECK(records[1] == 'b' + big);
    CHECK(records[2] == 'c' + big);
  }
  SUBCASE("too large over a pipe")
  {
    Pipe pipe;
    pipe.write_all("0123456789");
    pipe.close_write();
    DelimitedReader reader(pipe.fds[0], "\n", 4);
    CHECK_THROWS_WITH_AS(reader.next(), "record larger than 4 bytes", dlq::util::InputError);
  }
  SUBCASE("a signal that is not an interrupt does not end the read (EINTR is retried)")
  {
    // SIGUSR1 without SA_RESTART makes the blocked read(2) fail with EINTR.
    struct sigaction action = {};
    struct sigaction old = {};
    action.sa_handler = ignore_signal;
    sigemptyset(&action.sa_mask);
    REQUIRE(sigaction(SIGUSR1, &action, &old) == 0);
    Pipe pipe;
    const pthread_t reader_thread = pthread_self();
    std::thread writer([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      pthread_kill(reader_thread, SIGUSR1);
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      pipe.write_all("late\n");
      pipe.close_write();
    });
    DelimitedReader reader(pipe.fds[0], "\n", 1024);
    Records records;
    CHECK_NOTHROW(records = read_all(reader));
    writer.join();
    sigaction(SIGUSR1, &old, nullptr);
    CHECK(records == Records{"late"});
  }
  SUBCASE("read error")
  {
    DelimitedReader reader(-1, "\n", 1024);
    CHECK_THROWS_WITH_AS(reader.next(), ("read failed: "s + std::strerror(EBADF)).c_str(), dlq::util::IoError);
  }
}

TEST_SUITE_END();
