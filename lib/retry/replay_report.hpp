#pragma once

// What replay and park report about a run (ReplayStats): the --dry-run plan, the final summary
// line and --summary-json. Rendering only: the counting is the replayer's.

#include "retry/replayer.hpp"

#include <string>

namespace dlq::retry {

// "--dry-run" report: counts by target topic, target partition and exception class.
std::string render_plan(const ReplayStats& stats);
// The final summary line (stderr).
std::string render_summary_line(const ReplayStats& stats, bool dry_run);
// --summary-json.
std::string render_summary_json(const ReplayStats& stats, bool dry_run);

} // namespace dlq::retry
