#pragma once

// The dialects, in shared/DIALECTS.md order: the only place a dialect is registered. Adding one
// = its own file defining `extern constinit const Dialect k_<name>` (see spec.hpp) + one line
// here. Each line declares the dialect's table where it lists it (a block-scope extern
// declaration: the table is defined in lib/dialect/<name>.cpp), so the line is its only mention,
// and the array's size follows the lines.
// Everything else iterates over this list: decoding (engine.cpp), dialect::names() and with it
// --dialect's choices, completions and error messages, the fuzz targets and the round-trip test.
// Order matters: a header several dialects list belongs to the first of them unless the record's
// current dialect lists it too.

#include "dialect/spec.hpp"

#include <array>

namespace dlq::dialect {

inline constexpr std::array k_dialects = {
  [] { extern const Dialect k_connect; return &k_connect; }(),
  [] { extern const Dialect k_spring; return &k_spring; }(),
  [] { extern const Dialect k_spring_retry; return &k_spring_retry; }(),
  [] { extern const Dialect k_scst; return &k_scst; }(),
  [] { extern const Dialect k_streams; return &k_streams; }(),
  [] { extern const Dialect k_smallrye; return &k_smallrye; }(),
  [] { extern const Dialect k_karafka; return &k_karafka; }(),
  [] { extern const Dialect k_share_group; return &k_share_group; }(),
  [] { extern const Dialect k_watermill; return &k_watermill; }(),
  [] { extern const Dialect k_envelope; return &k_envelope; }(),
};

} // namespace dlq::dialect
