// A broker-side AlterConfigPolicy for the real-Kafka test bed: it refuses to set a topic's
// segment.ms below a floor, as managed clusters refuse small segments. The CTest fixture puts it
// on the shared cluster (kafka.sh --classpath, --set alter.config.policy.class.name=...) with the
// floor in the broker property dlqcat.test.min.segment.ms (default 500; compact-fix's default
// --segment-ms is 1000), so that compact-fix meets a config change the broker refuses.
// tests/realkafka/compile.sh compiles it against the broker's kafka-clients.
import java.util.Map;

import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.server.policy.AlterConfigPolicy;

public final class SegmentMsFloorPolicy implements AlterConfigPolicy {
  private long floor = 500;

  @Override
  public void configure(Map<String, ?> configs) {
    Object value = configs.get("dlqcat.test.min.segment.ms");
    if (value != null) {
      floor = Long.parseLong(value.toString());
    }
  }

  @Override
  public void validate(RequestMetadata request) throws PolicyViolationException {
    if (request.resource().type() != ConfigResource.Type.TOPIC) {
      return;
    }
    String segmentMs = request.configs().get("segment.ms");
    if (segmentMs != null && Long.parseLong(segmentMs) < floor) {
      throw new PolicyViolationException("segment.ms " + segmentMs + " is below this cluster's minimum of "
          + floor + " ms");
    }
  }

  @Override
  public void close() {
  }
}
