#include "util/redact.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace dlq::util;

TEST_SUITE_BEGIN("util");

TEST_CASE("util::is_secret_name: one rule for properties, connector configs and parameters")
{
  for (const char* name : {"sasl.password", "ssl.key.password", "sasl.oauthbearer.client.secret", "ssl.key.pem",
                           "ssl.keystore.key", "sasl.jaas.config", "consumer.override.sasl.jaas.config",
                           "connection.password", "basic.auth.user.info", "bearer.auth.token", "oauth.token.endpoint.uri",
                           "aws.secret.access.key", "api.key", "PASSWORD", "Sasl.Jaas.Config", "credentials.path"}) {
    CAPTURE(name);
    CHECK(is_secret_name(name));
  }
  for (const char* name : {"bootstrap.servers", "sasl.username", "connection.user", "connection.url", "topics",
                           "ssl.keystore.location", "key.converter"}) {
    CAPTURE(name);
    CHECK_FALSE(is_secret_name(name));
  }
}

TEST_CASE("util::redact_uri")
{
  const auto same = [](const char* text) {
    CAPTURE(text);
    CHECK(redact_uri(text) == text);
  };
  CHECK(redact_uri("postgresql://sample:S3cr3t@127.0.0.1:5432/sample") == "postgresql://sample:***@127.0.0.1:5432/sample");
  CHECK(redact_uri("host=127.0.0.1 user=sample password=S3cr3t dbname=sample")
        == "host=127.0.0.1 user=sample password=*** dbname=sample");
  CHECK(redact_uri("host=h password = 'S3c r3t\\' x' dbname=d") == "host=h password = *** dbname=d");
  CHECK(redact_uri("host=h password='unclosed S3cr3t") == "host=h password=***");
  CHECK(redact_uri("host=h password=S3c r3t dbname=d") == "host=h password=*** dbname=d");
  same("postgresql://sample@127.0.0.1/sample");
  same("http://127.0.0.1:8083/connectors/a@b");
  same("http://127.0.0.1:8083");
  same("owner@example.com");

  SUBCASE("an '@' or '/' inside the password, a bad %-escape, an unclosed '['")
  {
    CHECK(redact_uri("postgresql://admin:S3c@r3t@127.0.0.1:5432/db") == "postgresql://admin:***@127.0.0.1:5432/db");
    CHECK(redact_uri("postgresql://admin:S3c/r3t@127.0.0.1/db") == "postgresql://admin:***@127.0.0.1/db");
    CHECK(redact_uri("postgresql://admin:S3cr%3t@127.0.0.1/db") == "postgresql://admin:***@127.0.0.1/db");
    CHECK(redact_uri("postgresql://admin:S3cr3t@[::1:5432/db") == "postgresql://admin:***@[::1:5432/db");
  }
  SUBCASE("no scheme: user info as curl reads it")
  {
    CHECK(redact_uri("admin:S3cr3t@127.0.0.1:8083") == "admin:***@127.0.0.1:8083");
    CHECK(redact_uri("admin:S3c@r3t@127.0.0.1:8083") == "admin:***@127.0.0.1:8083");
  }
  SUBCASE("secret parameters in query strings and JDBC URLs")
  {
    CHECK(redact_uri("postgresql://127.0.0.1/db?user=u&password=S3cr3t&sslmode=disable")
          == "postgresql://127.0.0.1/db?user=u&password=***&sslmode=disable");
    CHECK(redact_uri("jdbc:postgresql://db:5432/app?user=u&password=S3cr3t") == "jdbc:postgresql://db:5432/app?user=u&password=***");
    CHECK(redact_uri("jdbc:sqlserver://db:1433;user=u;password=S3cr3t;encrypt=true")
          == "jdbc:sqlserver://db:1433;user=u;password=***;encrypt=true");
    CHECK(redact_uri("jdbc:oracle:thin:scott/S3cr3t@db:1521/orcl").find("S3cr3t") == std::string::npos);
    CHECK(redact_uri("https://h/api?access_token=abc&api.key=def") == "https://h/api?access_token=***&api.key=***");
  }
}

TEST_CASE("util::redact_message: what libpq and libcurl quote back")
{
  // libpq's own messages (PostgreSQL 15, fe-connect.c conninfo_uri_parse_options and friends).
  const std::string percent = "postgresql://admin:S3cr%3t@127.0.0.1/db";
  CHECK(redact_message("invalid percent-encoded token: \"S3cr%3t\"", percent) == "invalid percent-encoded token: \"***\"");
  const std::string bracket = "postgresql://admin:S3cr3t@[::1:5432/db";
  CHECK(redact_message("end of string reached when looking for matching \"]\" in IPv6 host address in URI: \"" + bracket + "\"",
                       bracket)
        == "end of string reached when looking for matching \"]\" in IPv6 host address in URI: "
           "\"postgresql://admin:***@[::1:5432/db\"");
  const std::string at = "postgresql://admin:S3c@r3t@127.0.0.1/db";
  CHECK(redact_message("could not translate host name \"r3t@127.0.0.1\" to address: Name or service not known", at)
        == "could not translate host name \"***@127.0.0.1\" to address: Name or service not known");
  CHECK(redact_message("could not resolve host: r3t@127.0.0.1", at) == "could not resolve host: ***@127.0.0.1");
  const std::string keywords = "host=h password=S3c r3t";
  CHECK(redact_message("missing \"=\" after \"r3t\" in connection info string", keywords)
        == "missing \"=\" after \"***\" in connection info string");
  // Nothing secret: the message stays as it is.
  CHECK(redact_message("could not translate host name \"db\" to address", "postgresql://u@db/x")
        == "could not translate host name \"db\" to address");
  CHECK(redact_message("password authentication failed for user \"admin\"", "postgresql://admin:S3cr3t@db/x")
        == "password authentication failed for user \"admin\"");
}

TEST_CASE("util::redact_argument")
{
  CHECK(redact_argument("fetch.wait.max.ms") == "fetch.wait.max.ms");
  CHECK(redact_argument("sasl.password:S3cr3t") == "sasl.password:***");
  CHECK(redact_argument("sasl.password S3cr3t") == "sasl.password ***");
  CHECK(redact_argument("=S3cr3t") == "=***");
  CHECK(redact_argument("") == "");
}

TEST_SUITE_END();
