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
  CHECK_THROWS_WITH_AS(parse_property("=x", "-X"), R"(-X: expected name=value, got "=***")", UsageError);
  // A secret typed with the wrong separator is not echoed.
  CHECK_THROWS_WITH_AS(parse_property("sasl.password:S3cr3t", "-X"), R"(-X: expected name=value, got "sasl.password:***")",
                       UsageError);
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
  // A directory opens and reads as nothing: refused instead of read as an empty file.
  CHECK_THROWS_WITH_AS(read_properties_file("/"), R"(-F: "/" is a directory, not a properties file)", UsageError);
}

TEST_CASE("kafka::require_acknowledged_delivery")
{
  const auto with = [](std::initializer_list<std::pair<const char*, const char*>> properties) {
    ClientConfig config;
    for (const auto& [name, value] : properties) {
      config.set(name, value);
    }
    return config;
  };
  CHECK_NOTHROW(require_acknowledged_delivery(with({}), "replay"));
  CHECK_NOTHROW(require_acknowledged_delivery(with({{"acks", "all"}, {"enable.idempotence", "true"}}), "replay"));
  CHECK_NOTHROW(require_acknowledged_delivery(with({{"acks", "-1"}, {"request.required.acks", "ALL"}}), "park"));
  CHECK_NOTHROW(require_acknowledged_delivery(with({{"acks", "0"}, {"acks", "all"}}), "replay")); // the last one wins
  CHECK_THROWS_WITH_AS(require_acknowledged_delivery(with({{"acks", "0"}}), "replay"),
                       "acks=0: replay needs acks=all (-1): it counts a record as delivered, and commits its source "
                       "offset, only once every in-sync replica has it",
                       UsageError);
  CHECK_THROWS_WITH_AS(require_acknowledged_delivery(with({{"request.required.acks", "1"}}), "park"),
                       doctest::Contains("request.required.acks=1: park needs acks=all (-1)"), UsageError);
  CHECK_THROWS_WITH_AS(require_acknowledged_delivery(with({{"enable.idempotence", "false"}}), "compact-fix"),
                       "enable.idempotence=false: compact-fix needs the idempotent producer, so that a retried record "
                       "is written once and in order",
                       UsageError);
  CHECK_THROWS_AS(require_acknowledged_delivery(with({{"enable.idempotence", "0"}}), "replay"), UsageError);
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
