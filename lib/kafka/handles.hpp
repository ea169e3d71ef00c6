#pragma once

// Owning smart pointers for librdkafka's C handles (ccache's RedisContext pattern).

#include <librdkafka/rdkafka.h>

#include <memory>

namespace dlq::kafka {

template <auto DestroyFn>
struct CDeleter
{
  template <typename T>
  void operator()(T* p) const noexcept
  {
    DestroyFn(p);
  }
};

using ConfPtr = std::unique_ptr<rd_kafka_conf_t, CDeleter<rd_kafka_conf_destroy>>;
using HandlePtr = std::unique_ptr<rd_kafka_t, CDeleter<rd_kafka_destroy>>;
using MessagePtr = std::unique_ptr<rd_kafka_message_t, CDeleter<rd_kafka_message_destroy>>;
using PartitionsPtr =
  std::unique_ptr<rd_kafka_topic_partition_list_t, CDeleter<rd_kafka_topic_partition_list_destroy>>;
using HeadersPtr = std::unique_ptr<rd_kafka_headers_t, CDeleter<rd_kafka_headers_destroy>>;
using ErrorPtr = std::unique_ptr<rd_kafka_error_t, CDeleter<rd_kafka_error_destroy>>;
using TopicPtr = std::unique_ptr<rd_kafka_topic_t, CDeleter<rd_kafka_topic_destroy>>;
using QueuePtr = std::unique_ptr<rd_kafka_queue_t, CDeleter<rd_kafka_queue_destroy>>;
using GroupMetadataPtr =
  std::unique_ptr<rd_kafka_consumer_group_metadata_t, CDeleter<rd_kafka_consumer_group_metadata_destroy>>;

inline void
destroy_metadata(const rd_kafka_metadata_t* metadata) noexcept
{
  rd_kafka_metadata_destroy(metadata);
}
using MetadataPtr = std::unique_ptr<const rd_kafka_metadata_t, CDeleter<destroy_metadata>>;

} // namespace dlq::kafka
