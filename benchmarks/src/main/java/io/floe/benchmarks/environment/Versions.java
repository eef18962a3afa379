package io.floe.benchmarks.environment;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The versions a benchmark ran with: those the build declared (Flink and the Kafka broker),
 * recorded into the benchmark JAR by Maven resource filtering.
 */
public final class Versions {
  private static final String RESOURCE = "/io/floe/benchmarks/build.properties";

  private final Properties properties;

  private Versions(Properties properties) {
    this.properties = properties;
  }

  public static Versions ofBuild() {
    Properties properties = new Properties();
    try (InputStream in = Versions.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("Missing resource " + RESOURCE);
      }
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Versions(properties);
  }

  public String flink() {
    return get("flink.version");
  }

  public String kafkaBroker() {
    return get("kafka-broker.version");
  }

  private String get(String key) {
    return properties.getProperty(key, "unknown");
  }
}
