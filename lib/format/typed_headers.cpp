#include "format/typed_headers.hpp"

#include "dialect/dialect.hpp"
#include "format/paint.hpp"
#include "util/json_writer.hpp"
#include "util/visible.hpp"

#include <fmt/core.h>

namespace dlq::format {

void
render_typed_headers(std::string& out, const record::Record& record, const ErrorContext* error, bool color)
{
  using util::visible;
  const Painter paint(color);
  out += paint(k_bold, fmt::format("{} [{}] @ {}", record.topic.empty() ? "-" : visible(record.topic), record.partition,
                                   record.offset));
  out += fmt::format("  ({})\n", error != nullptr ? error->dialect : "no known dialect");
  for (const auto& header : dialect::describe_headers(record)) {
    out += fmt::format("  {} = {} {}", visible(header.name), visible(header.display),
                       paint(k_dim, fmt::format("({}{}{})", header.type, header.dialect.empty() ? "" : ", ",
                                                header.dialect)));
    if (header.problem) {
      out += "  " + paint(k_red, "malformed: " + visible(*header.problem));
    }
    out.push_back('\n');
  }
  out.push_back('\n');
}

void
render_typed_headers_json(std::string& out, const record::Record& record, const ErrorContext* error)
{
  using util::append_json_bytes;
  using util::append_json_string;
  out += "{\"topic\":";
  append_json_bytes(out, record.topic);
  out += ",\"partition\":";
  util::append_json_int(out, record.partition);
  out += ",\"offset\":";
  util::append_json_int(out, record.offset);
  out += ",\"dialect\":";
  if (error != nullptr) {
    append_json_string(out, error->dialect);
  } else {
    out += "null";
  }
  out += ",\"headers\":[";
  const auto headers = dialect::describe_headers(record);
  for (size_t i = 0; i < headers.size(); ++i) {
    const auto& header = headers[i];
    out += i == 0 ? "{\"name\":" : ",{\"name\":";
    append_json_bytes(out, header.name);
    out += ",\"dialect\":";
    if (header.dialect.empty()) {
      out += "null";
    } else {
      append_json_string(out, header.dialect);
    }
    out += ",\"type\":";
    append_json_string(out, header.type);
    out += ",\"value\":";
    if (!record.headers[i].value) {
      out += "null";
    } else if (header.number) {
      util::append_json_int(out, *header.number);
      out += ",\"raw\":";
      append_json_bytes(out, record.headers[i].value);
    } else {
      append_json_bytes(out, header.display);
    }
    if (header.problem) {
      out += ",\"problem\":";
      append_json_bytes(out, *header.problem);
    }
    out.push_back('}');
  }
  out += "]}\n";
}

} // namespace dlq::format
