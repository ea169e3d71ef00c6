// Spring Cloud Stream's Kafka binder as the writer of dead letters, and seed 002's
// ReRouteDlqKApplication (shared/seeds/spring-cloud-stream-dlq.txt) as the application that
// re-routes them (tests/peers/test_spring_cloud_stream.bash). One Boot application, two functions:
//
//   process   consumes TOPIC in group GROUP and always fails; the binder (enable-dlq,
//             max-attempts 1) dead-letters each record to error.TOPIC.GROUP
//   reRoute   seed 002's function, unchanged in behaviour: reads error.TOPIC.GROUP in group
//             GROUP-replay, re-routes a record to TOPIC with x-retries + 1 (an Integer header)
//             while x-retries < 3, then parks it in TOPIC.parkingLot through the StreamBridge
//
//   ScstApp BOOTSTRAP TOPIC GROUP
//
// Both bindings start stopped; stdin lines "start NAME" / "stop NAME" (process, reRoute) start
// and stop them, "quit" ends the application. Stdout has one JSON line per event:
//   {"event":"ready"}  {"event":"started"|"stopped","binding":NAME}
//   {"event":"process","key","value","topic","partition","offset","timestamp","timestamp_type",
//        "x-retries"}   x-retries as the function
//        saw it: a number (an Integer header), null (none), or "TYPE:TEXT" for any other type
//   {"event":"dead-letter","key",...,"exception","message","stacktrace"}  what the binder's DLQ
//        handler was handed (the binding's error channel), with the text it writes from it
//   {"event":"reroute","key","retries","next"}  {"event":"park","key","retries"}
//   {"event":"reroute-error","key","error"}   the seed's code threw (its header was unreadable)
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.cloud.stream.binder.BinderHeaders;
import org.springframework.cloud.stream.binding.BindingsLifecycleController;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.integration.support.MessageBuilder;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessagingException;
import org.springframework.messaging.SubscribableChannel;

// @SpringBootApplication without its component scan: the peers live in the default package, whose
// scan would walk every jar of the classpath.
@SpringBootConfiguration
@EnableAutoConfiguration
public class ScstApp {
  private static final String X_RETRIES_HEADER = "x-retries";
  static final String WRITER = "spring-cloud-stream-binder-kafka "
      + org.springframework.cloud.stream.binder.kafka.KafkaMessageChannelBinder.class.getPackage()
          .getImplementationVersion();

  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    String topic = args[1];
    String group = args[2];
    DeadLetters.createTopics(bootstrap, topic + ":2", "error." + topic + "." + group + ":2", topic + ".parkingLot:2");
    Map<String, Object> props = new LinkedHashMap<>();
    props.put("spring.main.web-application-type", "none");
    props.put("spring.main.banner-mode", "off");
    props.put("spring.cloud.function.definition", "process;reRoute");
    props.put("spring.cloud.stream.kafka.binder.brokers", bootstrap);
    props.put("spring.cloud.stream.kafka.binder.configuration.auto.offset.reset", "earliest");
    props.put("spring.cloud.stream.kafka.binder.headers", X_RETRIES_HEADER);
    props.put("spring.cloud.stream.bindings.process-in-0.destination", topic);
    props.put("spring.cloud.stream.bindings.process-in-0.group", group);
    props.put("spring.cloud.stream.bindings.process-in-0.consumer.max-attempts", "1");
    props.put("spring.cloud.stream.bindings.process-in-0.consumer.auto-startup", "false");
    props.put("spring.cloud.stream.kafka.bindings.process-in-0.consumer.enable-dlq", "true");
    // seed 002's properties (so8400out -> TOPIC, so8400 -> GROUP)
    props.put("spring.cloud.stream.bindings.reRoute-in-0.group", group + "-replay");
    props.put("spring.cloud.stream.bindings.reRoute-in-0.destination", "error." + topic + "." + group);
    props.put("spring.cloud.stream.bindings.reRoute-in-0.consumer.auto-startup", "false");
    props.put("spring.cloud.stream.bindings.reRoute-out-0.destination", topic);
    props.put("spring.cloud.stream.bindings.parkingLot.destination", topic + ".parkingLot");
    SpringApplication app = new SpringApplication(ScstApp.class);
    app.setDefaultProperties(props);
    ConfigurableApplicationContext context = app.run();
    // The binder's DLQ handler subscribes to the binding's error channel (named
    // "kafka-BINDER.process-in-0.errors" in 5.0): so does this peer, to know what it was handed.
    String errors = java.util.Arrays.stream(context.getBeanNamesForType(SubscribableChannel.class))
        .filter(name -> name.endsWith(".process-in-0.errors")).findFirst().orElseThrow();
    context.getBean(errors, SubscribableChannel.class).subscribe(message -> {
      Throwable failure = (Throwable) message.getPayload();
      Message<?> failed = failure instanceof MessagingException me ? me.getFailedMessage() : null;
      Map<String, Object> event = event("dead-letter", failed);
      event.put("exception", failure.getClass().getName());
      event.put("message", DeadLetters.joinedMessage(failure, failure.getCause()));
      event.put("stacktrace", DeadLetters.stackTrace(failure));
      print(event);
    });
    BindingsLifecycleController bindings = context.getBean(BindingsLifecycleController.class);
    print(Map.of("event", "ready", "writer", WRITER));
    BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line; (line = stdin.readLine()) != null && !line.equals("quit");) {
      String[] words = line.split(" ");
      boolean start = words[0].equals("start");
      bindings.changeState(words[1] + "-in-0", start ? BindingsLifecycleController.State.STARTED
          : BindingsLifecycleController.State.STOPPED);
      print(Map.of("event", start ? "started" : "stopped", "binding", words[1]));
    }
    context.close();
    System.exit(0);
  }

  static Map<String, Object> event(String name, Message<?> message) {
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("event", name);
    if (message != null) {
      Object key = message.getHeaders().get(KafkaHeaders.RECEIVED_KEY);
      event.put("key", key instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : key);
      // The value identifies a record across rounds: the seed's re-route does not keep the key.
      Object payload = message.getPayload();
      event.put("value", payload instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : null);
      event.put("topic", message.getHeaders().get(KafkaHeaders.RECEIVED_TOPIC));
      event.put("partition", message.getHeaders().get(KafkaHeaders.RECEIVED_PARTITION));
      event.put("offset", message.getHeaders().get(KafkaHeaders.OFFSET));
      event.put("timestamp", message.getHeaders().get(KafkaHeaders.RECEIVED_TIMESTAMP));
      // The converter puts the enum constant's name ("CREATE_TIME"); the record says "CreateTime".
      Object type = message.getHeaders().get(KafkaHeaders.TIMESTAMP_TYPE);
      event.put("timestamp_type", type == null ? null
          : org.apache.kafka.common.record.TimestampType.valueOf(type.toString()).toString());
      Object retries = message.getHeaders().get(X_RETRIES_HEADER);
      event.put(X_RETRIES_HEADER, retries == null || retries instanceof Integer ? retries
          : retries.getClass().getSimpleName() + ":" + (retries instanceof byte[] bytes
              ? new String(bytes, StandardCharsets.UTF_8) : retries));
    }
    return event;
  }

  static void print(Map<String, Object> event) {
    DeadLetters.printObject(event);
  }

  @Bean
  public Consumer<Message<byte[]>> process() {
    return message -> {
      print(event("process", message));
      throw new IllegalStateException("cannot process " + new String(message.getPayload(), StandardCharsets.UTF_8));
    };
  }

  // ---- seed 002: ReRouteDlqKApplication.reRoute, as published (events printed around it) ----

  private final StreamBridge streamBridge;

  public ScstApp(StreamBridge streamBridge) {
    this.streamBridge = streamBridge;
  }

  @Bean
  public Function<Message<?>, Message<?>> reRoute() {
    return failed -> {
      try {
        return seedReRoute(failed);
      } catch (RuntimeException e) {
        Map<String, Object> event = event("reroute-error", failed);
        event.put("error", e.toString());
        print(event);
        throw e;
      }
    };
  }

  private Message<?> seedReRoute(Message<?> failed) {
    Integer retries = failed.getHeaders().get(X_RETRIES_HEADER, Integer.class);
    if (retries == null) {
      print(reRouted(failed, null, 1));
      return MessageBuilder.fromMessage(failed)
          .setHeader(X_RETRIES_HEADER, 1)
          .setHeader(BinderHeaders.PARTITION_OVERRIDE,
              failed.getHeaders().get(KafkaHeaders.RECEIVED_PARTITION))
          .build();
    }
    else if (retries < 3) {
      print(reRouted(failed, retries, retries + 1));
      return MessageBuilder.fromMessage(failed)
          .setHeader(X_RETRIES_HEADER, retries + 1)
          .setHeader(BinderHeaders.PARTITION_OVERRIDE,
              failed.getHeaders().get(KafkaHeaders.RECEIVED_PARTITION))
          .build();
    }
    else {
      Map<String, Object> event = event("park", failed);
      event.put("retries", retries);
      print(event);
      this.streamBridge.send("parkingLot", MessageBuilder.fromMessage(failed)
          .setHeader(BinderHeaders.PARTITION_OVERRIDE,
              failed.getHeaders().get(KafkaHeaders.RECEIVED_PARTITION))
          .build());
    }
    return null;
  }

  static Map<String, Object> reRouted(Message<?> failed, Integer retries, int next) {
    Map<String, Object> event = event("reroute", failed);
    event.put("retries", retries);
    event.put("next", next);
    return event;
  }
}
