package io.floe.loader.sample;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** What a {@link SamplePublisher} publishes, and where to; validated at construction. */
public final class SamplePublisherOptions {
  private final String bootstrapServers;
  private final String topic;
  private final SamplePayload payload;
  private final long startId;
  private final MalformedShare malformedShare;
  private final Map<String, String> clientProperties;

  /**
   * @param bootstrapServers the Kafka brokers, {@code host:port[,host:port...]}
   * @param topic the topic to publish to
   * @param payload which message to publish
   * @param startId the id of the first message; later messages count up from it
   * @param malformedShare which ids get a malformed message instead
   * @param clientProperties extra Kafka client properties (security, for example), applied to the
   *     producer and the admin client over the publisher's own
   */
  public SamplePublisherOptions(
      String bootstrapServers,
      String topic,
      SamplePayload payload,
      long startId,
      MalformedShare malformedShare,
      Map<String, String> clientProperties) {
    this.bootstrapServers = requireNonBlank(bootstrapServers, "bootstrap-servers");
    this.topic = requireNonBlank(topic, "topic");
    this.payload = requireNonNull(payload, "payload is null");
    if (startId < 0) {
      throw new IllegalArgumentException("start-id must be >= 0, got " + startId);
    }
    this.startId = startId;
    this.malformedShare = requireNonNull(malformedShare, "malformed-share is null");
    requireNonNull(clientProperties, "clientProperties is null");
    this.clientProperties = Collections.unmodifiableMap(new LinkedHashMap<>(clientProperties));
  }

  /** Well-formed sample messages from id 1, with no extra client properties. */
  public static SamplePublisherOptions samples(String bootstrapServers, String topic) {
    return new SamplePublisherOptions(
        bootstrapServers, topic, SamplePayload.SAMPLE, 1, MalformedShare.NONE, Map.of());
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  public String topic() {
    return topic;
  }

  public SamplePayload payload() {
    return payload;
  }

  public long startId() {
    return startId;
  }

  public MalformedShare malformedShare() {
    return malformedShare;
  }

  public Map<String, String> clientProperties() {
    return clientProperties;
  }

  private static String requireNonBlank(String value, String key) {
    requireNonNull(value, key + " is null");
    if (value.isBlank()) {
      throw new IllegalArgumentException(key + " is blank");
    }
    return value;
  }
}
