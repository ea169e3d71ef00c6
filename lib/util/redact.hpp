#pragma once

// The one rule for keeping credentials out of what dlqcat prints: librdkafka properties (-X, -F),
// Kafka Connect connector configs, PostgreSQL connection URIs and strings (--pg), Connect URLs
// (--connect), and the error messages libraries write about them.

#include <string>
#include <string_view>

namespace dlq::util {

// True for a setting whose value must never be shown: its name (any case) holds password, passwd,
// secret, token, credential, jaas (sasl.jaas.config carries the password), user.info / userinfo
// (basic.auth.user.info), or names a private key (ssl.key.pem, ssl.keystore.key, private.key,
// api.key, access.key).
bool is_secret_name(std::string_view name) noexcept;

// `text` (a URI, with or without a scheme, or a key=value connection string) with its credentials
// replaced by "***": the user info's password, which runs to the last '@' before the path that
// follows the first '@' (so that a password holding '@', '/' or a bad %-escape stays hidden; a
// bare user name is kept); and the value of every parameter with a secret name (?password=...,
// ;password=..., password='...'), with any words an unquoted value runs on into.
std::string redact_uri(std::string_view text);

// A library's message about `uri` (libpq's, libcurl's) with every quoted span taken from the
// URI's credentials, and every piece of those credentials it quotes or not, replaced by "***"; a
// quoted copy of the whole URI becomes redact_uri(uri).
std::string redact_message(std::string_view message, std::string_view uri);

// The text of a malformed "name=value" argument for an error message: the leading name (letters,
// digits, '.', '_', '-') and nothing after it, so that a secret typed with the wrong separator
// (`-X sasl.password:S3cr3t`) is not echoed: "sasl.password:***".
std::string redact_argument(std::string_view text);

} // namespace dlq::util
