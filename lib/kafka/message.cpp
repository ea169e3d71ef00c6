#include "kafka/message.hpp"

namespace dlq::kafka {

namespace {

void
assign_bytes(record::Bytes& out, const void* data, size_t size)
{
  if (data == nullptr) {
    out.reset();
  } else if (out) {
    out->assign(static_cast<const char*>(data), size);
  } else {
    out.emplace(static_cast<const char*>(data), size);
  }
}

record::TimestampType
timestamp_type(rd_kafka_timestamp_type_t type) noexcept
{
  switch (type) {
  case RD_KAFKA_TIMESTAMP_CREATE_TIME:
    return record::TimestampType::CreateTime;
  case RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME:
    return record::TimestampType::LogAppendTime;
  default:
    return record::TimestampType::NotAvailable;
  }
}

record::BytesView
bytes_view(const void* data, size_t size) noexcept
{
  if (data == nullptr) {
    return std::nullopt;
  }
  return std::string_view(static_cast<const char*>(data), size);
}

} // namespace

record::RecordView
to_view(const rd_kafka_message_t& message, std::vector<record::HeaderView>& headers)
{
  record::RecordView view;
  view.topic = message.rkt != nullptr ? rd_kafka_topic_name(message.rkt) : "";
  view.partition = message.partition;
  view.offset = message.offset;
  rd_kafka_timestamp_type_t type;
  view.timestamp = rd_kafka_message_timestamp(&message, &type);
  view.timestamp_type = timestamp_type(type);
  view.key = bytes_view(message.key, message.key_len);
  view.value = bytes_view(message.payload, message.len);
  headers.clear();
  rd_kafka_headers_t* list = nullptr;
  // rd_kafka_message_headers() keeps ownership of the headers with the message.
  if (rd_kafka_message_headers(&message, &list) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    const size_t count = rd_kafka_header_cnt(list);
    for (size_t i = 0; i < count; ++i) {
      const char* name;
      const void* value;
      size_t size;
      rd_kafka_header_get_all(list, i, &name, &value, &size);
      headers.push_back({name, bytes_view(value, size)});
    }
  }
  view.headers = record::HeadersView(headers);
  return view;
}

void
to_record(const rd_kafka_message_t& message, record::Record& out)
{
  const char* topic = message.rkt != nullptr ? rd_kafka_topic_name(message.rkt) : "";
  out.topic.assign(topic);
  out.partition = message.partition;
  out.offset = message.offset;
  rd_kafka_timestamp_type_t type;
  out.timestamp = rd_kafka_message_timestamp(&message, &type);
  out.timestamp_type = timestamp_type(type);
  assign_bytes(out.key, message.key, message.key_len);
  assign_bytes(out.value, message.payload, message.len);

  rd_kafka_headers_t* headers = nullptr;
  size_t count = 0;
  // rd_kafka_message_headers() keeps ownership of the headers with the message.
  if (rd_kafka_message_headers(&message, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    count = rd_kafka_header_cnt(headers);
  }
  out.headers.resize(count);
  for (size_t i = 0; i < count; ++i) {
    const char* name;
    const void* value;
    size_t size;
    rd_kafka_header_get_all(headers, i, &name, &value, &size);
    out.headers[i].name.assign(name);
    assign_bytes(out.headers[i].value, value, size);
  }
}

record::Record
to_record(const rd_kafka_message_t& message)
{
  record::Record record;
  to_record(message, record);
  return record;
}

} // namespace dlq::kafka
