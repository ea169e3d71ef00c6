#pragma once

// Replacing a file so that a reader sees the old content or the new, never a part: write a
// temporary file in the same directory, then rename it over the target (rename(2) is atomic
// within a file system). node_exporter's textfile collector asks for exactly this, since it may
// read the directory at any moment (github.com/prometheus/node_exporter, "Textfile Collector").

#include <string>
#include <string_view>

namespace dlq::util {

// Throws IoError naming `path` (and `what`, the option that named it) on any failure; the
// temporary file is removed then.
void replace_file(const std::string& path, std::string_view content, std::string_view what);

} // namespace dlq::util
