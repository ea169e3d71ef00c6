#include "error.hpp"
#include "kafka/config.hpp"
#include "kafka/record_source.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>

using namespace dlq;
using namespace dlq::kafka;

TEST_SUITE_BEGIN("kafka");

TEST_CASE("kafka::parse_property")
{
  CHECK(parse_property("a=b", "-X") == std::pair<std::string, std::string>{"a", "b"});
  CHECK(parse_property("a=b=c", "-X") == std::pair<std::string, std::string>{"a", "b=c"});
  CHECK(parse_property("a=", "-X") == std::pair<std::string, std::string>{"a", ""});
  CHECK_THROWS_WITH_AS(parse_property("novalue", "-H"), R"(-H: expected name=value, got "novalue")", UsageError);
  CHECK_THROWS_WITH_AS(parse_property("=x", "-X"), R"(-X: expected name=value, got "=x")", UsageError);
}

TEST_CASE("kafka::read_properties_file")
{
  const std::string path = "dlqcat-test-" + std::to_string(::getpid()) + ".properties";
  {
    std::ofstream out(path);
    out << "# comment\n\nbootstrap.servers = 127.0.0.1:9092\n! also a comment\nsasl.password=s=cret\n";
  }
  const auto properties = read_properties_file(path);
  CHECK(properties.size() == 2);
  CHECK(properties[0] == std::pair<std::string, std::string>{"bootstrap.servers", "127.0.0.1:9092"});
  CHECK(properties[1] == std::pair<std::string, std::string>{"sasl.password", "s=cret"});
  {
    std::ofstream out(path);
    out << "ok=1\nbroken line\n";
  }
  CHECK_THROWS_WITH_AS(read_properties_file(path), (path + ":2: expected name=value").c_str(), UsageError);
  std::remove(path.c_str());
  CHECK_THROWS_AS(read_properties_file(path), IoError);
}

TEST_CASE("kafka::is_secret_property")
{
  CHECK(is_secret_property("sasl.password"));
  CHECK(is_secret_property("ssl.key.password"));
  CHECK(is_secret_property("sasl.oauthbearer.client.secret"));
  CHECK(is_secret_property("ssl.key.pem"));
  CHECK_FALSE(is_secret_property("bootstrap.servers"));
  CHECK_FALSE(is_secret_property("sasl.username"));
}

TEST_CASE("kafka::make_conf rejects bad properties without echoing secrets")
{
  ClientEvents events;
  ClientConfig config;
  config.set("no.such.property", "1");
  CHECK_THROWS_WITH_AS(make_conf(config, events), R"(-X: No such configuration property: "no.such.property")", UsageError);
  ClientConfig secret;
  secret.set("ssl.key.password", "hunter2");
  CHECK_NOTHROW(make_conf(secret, events));
}

TEST_CASE("kafka::apply_offset_args")
{
  ReadOptions options;
  apply_offset_args({"s@1000", "e@2000"}, options);
  CHECK(options.start == OffsetSpec{OffsetSpec::Kind::StartTimestamp, 1000});
  CHECK(options.stop_timestamp == 2000);
  ReadOptions twice;
  CHECK_THROWS_WITH_AS(apply_offset_args({"beginning", "5"}, twice), R"(-o: more than one start offset ("5"))", UsageError);
}

TEST_CASE("kafka::EndTracker")
{
  EndTracker ends;
  ends.track("t", 0, 0, 3);
  ends.track("t", 1, 5, 5); // nothing to read: done at once
  CHECK(ends.is_done("t", 1));
  CHECK_FALSE(ends.all_done());
  CHECK(ends.accept("t", 0, 0));
  CHECK(ends.accept("t", 0, 1));
  CHECK_FALSE(ends.is_done("t", 0));
  CHECK(ends.accept("t", 0, 2)); // the last record before the snapshot end
  CHECK(ends.all_done());
  CHECK_FALSE(ends.accept("t", 0, 3)); // written after the snapshot
  CHECK(ends.accept("untracked", 0, 99));

  SUBCASE("changes() grows with every change of an end or a done state, and only then")
  {
    EndTracker tracker;
    tracker.track("t", 0, 0, 3);
    const auto tracked = tracker.changes();
    CHECK(tracker.accept("t", 0, 0));
    CHECK(tracker.changes() == tracked); // a record before the end changes nothing
    CHECK(tracker.accept("t", 0, 2));
    CHECK(tracker.changes() == tracked + 1); // the last one ends the partition
    tracker.mark_done("t", 0);
    CHECK(tracker.changes() == tracked + 1); // already done
    tracker.reopen("t", 0);
    CHECK(tracker.changes() == tracked + 2);
    CHECK_FALSE(tracker.is_done("t", 0));
  }
  SUBCASE("partition EOF ends a partition early (records deleted, compacted)")
  {
    EndTracker eof;
    eof.track("t", 0, 0, 10);
    eof.mark_done("t", 0);
    CHECK(eof.all_done());
  }
  SUBCASE("scope: only the assigned partitions count")
  {
    EndTracker group;
    group.track("t", 0, 0, 1);
    group.track("t", 1, 0, 1);
    group.accept("t", 0, 0);
    CHECK(group.all_done({{"t", 0}}));
    CHECK_FALSE(group.all_done({{"t", 0}, {"t", 1}}));
  }
}

TEST_SUITE_END();
