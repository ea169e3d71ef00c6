/* The floor for reading a DLQ: the least a librdkafka program must do to read every record of a
 * topic up to the end offsets seen at start (dlqcat's -e) and look at every byte of its key,
 * value and headers (an xor of words, vectorised: the least work that reads each byte). dlqcat consume-dlq and inspect-headers are measured against it.
 *
 * Usage: floor_consume BROKERS TOPIC
 * Prints "records=N bytes=N checksum=N" on stderr, so that the harness can check it read
 * everything. Exit 0 on success, 1 on any error. */

#include <librdkafka/rdkafka.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reads every byte once with a loop the compiler vectorises: an xor of 64-bit words (memcpy, so
 * no alignment or aliasing assumptions), then the tail. A serial multiply-add per byte would pad
 * the floor with several cycles a byte that no reader of a DLQ has to spend. */
static uint64_t
touch(const void *data, size_t size, uint64_t sum)
{
  const unsigned char *p = data;
  size_t i = 0;
  uint64_t acc = 0;
  for (; i + sizeof acc <= size; i += sizeof acc) {
    uint64_t word;
    memcpy(&word, p + i, sizeof word);
    acc ^= word;
  }
  for (; i < size; ++i) {
    acc ^= (uint64_t)p[i] << (8 * (i % sizeof acc));
  }
  return sum + (acc ^ size);
}

static void
fail(const char *what, const char *detail)
{
  fprintf(stderr, "floor_consume: %s: %s\n", what, detail);
  exit(1);
}

int
main(int argc, char **argv)
{
  if (argc != 3) {
    fprintf(stderr, "usage: floor_consume BROKERS TOPIC\n");
    return 2;
  }
  char errstr[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  if (rd_kafka_conf_set(conf, "bootstrap.servers", argv[1], errstr, sizeof errstr) != RD_KAFKA_CONF_OK
      || rd_kafka_conf_set(conf, "group.id", "floor-consume", errstr, sizeof errstr) != RD_KAFKA_CONF_OK
      || rd_kafka_conf_set(conf, "enable.auto.commit", "false", errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
    fail("config", errstr);
  }
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
  if (rk == NULL) {
    fail("rd_kafka_new", errstr);
  }
  rd_kafka_poll_set_consumer(rk);

  /* Partitions and their end offsets now: stop there, as dlqcat -e and kcat -e do. */
  const rd_kafka_metadata_t *metadata;
  rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, argv[2], NULL);
  rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, rkt, &metadata, 10000);
  if (err) {
    fail("metadata", rd_kafka_err2str(err));
  }
  const int count = metadata->topics[0].partition_cnt;
  int64_t *ends = calloc((size_t)count, sizeof *ends);
  int remaining = 0;
  rd_kafka_topic_partition_list_t *assignment = rd_kafka_topic_partition_list_new(count);
  for (int i = 0; i < count; ++i) {
    const int32_t partition = metadata->topics[0].partitions[i].id;
    int64_t low, high;
    err = rd_kafka_query_watermark_offsets(rk, argv[2], partition, &low, &high, 10000);
    if (err) {
      fail("watermarks", rd_kafka_err2str(err));
    }
    if (partition < count) {
      ends[partition] = high;
    }
    if (high > low) {
      ++remaining;
      rd_kafka_topic_partition_list_add(assignment, argv[2], partition)->offset = RD_KAFKA_OFFSET_BEGINNING;
    }
  }
  rd_kafka_metadata_destroy(metadata);
  rd_kafka_topic_destroy(rkt);
  err = rd_kafka_assign(rk, assignment);
  if (err) {
    fail("assign", rd_kafka_err2str(err));
  }
  rd_kafka_topic_partition_list_destroy(assignment);

  uint64_t records = 0, bytes = 0, sum = 0;
  while (remaining > 0) {
    rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 100);
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
      sum = touch(m->key, m->key_len, sum);
      sum = touch(m->payload, m->len, sum);
      bytes += m->key_len + m->len;
      rd_kafka_headers_t *headers;
      if (rd_kafka_message_headers(m, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        const char *name;
        const void *value;
        size_t size;
        for (size_t i = 0; rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
             ++i) {
          const size_t name_size = strlen(name);
          sum = touch(name, name_size, sum);
          sum = touch(value, size, sum);
          bytes += name_size + size;
        }
      }
      if (m->offset + 1 >= ends[m->partition]) {
        --remaining;
      }
    }
    rd_kafka_message_destroy(m);
  }
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  free(ends);
  fprintf(stderr, "records=%" PRIu64 " bytes=%" PRIu64 " checksum=%" PRIu64 "\n", records, bytes, sum);
  return 0;
}
