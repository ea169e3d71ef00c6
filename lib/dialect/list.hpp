#pragma once

// The dialects, in shared/DIALECTS.md order: the only place a dialect is registered. Adding one
// = its own file defining `constinit const Dialect k_<name>` (see spec.hpp) + one line here.
// Everything else iterates over this list: decoding (engine.cpp), dialect::names() and with it
// --dialect's choices, completions and error messages, the fuzz targets and the round-trip test.
// Order matters: a header several dialects list belongs to the first of them unless the record's
// current dialect lists it too.

#include "dialect/spec.hpp"

#include <array>

namespace dlq::dialect {

extern const Dialect k_connect, k_spring, k_spring_retry, k_scst, k_streams, k_smallrye, k_karafka, k_share_group,
  k_watermill, k_envelope;

inline constexpr std::array k_dialects = {
  &k_connect,
  &k_spring,
  &k_spring_retry,
  &k_scst,
  &k_streams,
  &k_smallrye,
  &k_karafka,
  &k_share_group,
  &k_watermill,
  &k_envelope,
};

} // namespace dlq::dialect
