/* The floor for replaying a DLQ: the least a librdkafka program must do for the same job as
 * dlqcat replay -e: read a topic in a consumer group up to the end offsets seen at start, produce
 * every record to another topic with the same key, value, headers, timestamp and partition, wait
 * until every record is acknowledged, then commit the group's offsets. No decoding, no retry
 * counter, no parking lot: that is the part dlqcat adds, and the ratio to this floor shows its cost.
 *
 * Usage: floor_copy BROKERS SOURCE_TOPIC TARGET_TOPIC GROUP
 * Prints "records=N delivered=N" on stderr. Exit 0 when every record was delivered. */

#include <librdkafka/rdkafka.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t delivered;
static uint64_t failed;

static void
on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
  (void)rk;
  (void)opaque;
  if (m->err) {
    ++failed;
  } else {
    ++delivered;
  }
}

static void
fail(const char *what, const char *detail)
{
  fprintf(stderr, "floor_copy: %s: %s\n", what, detail);
  exit(1);
}

static rd_kafka_t *
make_client(rd_kafka_type_t type, const char *brokers, const char *group)
{
  char errstr[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  if (rd_kafka_conf_set(conf, "bootstrap.servers", brokers, errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
    fail("config", errstr);
  }
  if (type == RD_KAFKA_CONSUMER) {
    if (rd_kafka_conf_set(conf, "group.id", group, errstr, sizeof errstr) != RD_KAFKA_CONF_OK
        || rd_kafka_conf_set(conf, "enable.auto.commit", "false", errstr, sizeof errstr) != RD_KAFKA_CONF_OK
        || rd_kafka_conf_set(conf, "auto.offset.reset", "earliest", errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
      fail("config", errstr);
    }
  } else {
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
  }
  rd_kafka_t *rk = rd_kafka_new(type, conf, errstr, sizeof errstr);
  if (rk == NULL) {
    fail("rd_kafka_new", errstr);
  }
  return rk;
}

int
main(int argc, char **argv)
{
  if (argc != 5) {
    fprintf(stderr, "usage: floor_copy BROKERS SOURCE_TOPIC TARGET_TOPIC GROUP\n");
    return 2;
  }
  const char *source = argv[2];
  const char *target = argv[3];
  rd_kafka_t *consumer = make_client(RD_KAFKA_CONSUMER, argv[1], argv[4]);
  rd_kafka_t *producer = make_client(RD_KAFKA_PRODUCER, argv[1], NULL);
  rd_kafka_poll_set_consumer(consumer);

  /* End offsets now: stop there (dlqcat replay -e). */
  const rd_kafka_metadata_t *metadata;
  rd_kafka_topic_t *rkt = rd_kafka_topic_new(consumer, source, NULL);
  rd_kafka_resp_err_t err = rd_kafka_metadata(consumer, 0, rkt, &metadata, 10000);
  if (err) {
    fail("metadata", rd_kafka_err2str(err));
  }
  const int count = metadata->topics[0].partition_cnt;
  int64_t *ends = calloc((size_t)count, sizeof *ends);
  int remaining = 0;
  for (int i = 0; i < count; ++i) {
    const int32_t partition = metadata->topics[0].partitions[i].id;
    int64_t low, high;
    err = rd_kafka_query_watermark_offsets(consumer, source, partition, &low, &high, 10000);
    if (err) {
      fail("watermarks", rd_kafka_err2str(err));
    }
    ends[partition] = high;
    remaining += high > low;
  }
  rd_kafka_metadata_destroy(metadata);
  rd_kafka_topic_destroy(rkt);

  rd_kafka_topic_partition_list_t *topics = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(topics, source, RD_KAFKA_PARTITION_UA);
  err = rd_kafka_subscribe(consumer, topics);
  if (err) {
    fail("subscribe", rd_kafka_err2str(err));
  }
  rd_kafka_topic_partition_list_destroy(topics);

  uint64_t records = 0;
  while (remaining > 0) {
    rd_kafka_message_t *m = rd_kafka_consumer_poll(consumer, 100);
    if (m == NULL) {
      continue;
    }
    if (m->err) {
      if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        fail("consume", rd_kafka_message_errstr(m));
      }
      rd_kafka_message_destroy(m);
      continue;
    }
    if (m->offset < ends[m->partition]) {
      ++records;
      rd_kafka_headers_t *headers = NULL;
      rd_kafka_headers_t *copy = NULL;
      if (rd_kafka_message_headers(m, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        copy = rd_kafka_headers_copy(headers);
      }
      rd_kafka_timestamp_type_t type;
      const int64_t timestamp = rd_kafka_message_timestamp(m, &type);
      while (1) {
        err = rd_kafka_producev(producer, RD_KAFKA_V_TOPIC(target), RD_KAFKA_V_PARTITION(m->partition),
                                RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_KEY(m->key, m->key_len),
                                RD_KAFKA_V_VALUE(m->payload, m->len), RD_KAFKA_V_TIMESTAMP(timestamp > 0 ? timestamp : 0),
                                RD_KAFKA_V_HEADERS(copy), RD_KAFKA_V_END);
        if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
          break;
        }
        rd_kafka_poll(producer, 100);
      }
      if (err) {
        fail("produce", rd_kafka_err2str(err));
      }
      rd_kafka_poll(producer, 0);
      if (m->offset + 1 >= ends[m->partition]) {
        --remaining;
      }
    }
    rd_kafka_message_destroy(m);
  }
  rd_kafka_flush(producer, 60000);
  /* Offsets were stored as records were returned (enable.auto.offset.store); commit them now
   * that every record is acknowledged. */
  err = rd_kafka_commit(consumer, NULL, 0);
  if (err) {
    fail("commit", rd_kafka_err2str(err));
  }
  rd_kafka_consumer_close(consumer);
  rd_kafka_destroy(consumer);
  rd_kafka_destroy(producer);
  free(ends);
  fprintf(stderr, "records=%" PRIu64 " delivered=%" PRIu64 "\n", records, delivered);
  return failed == 0 && delivered == records ? 0 : 1;
}
