package io.floe.control.testing;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * System properties a test sets for the control plane it runs in its own JVM (such as the AWS SDK's
 * {@code aws.accessKeyId}, which its default chains read), put back as they were on close.
 */
public final class SystemProperties implements AutoCloseable {
  private final Map<String, String> previous = new LinkedHashMap<>();

  public SystemProperties set(String key, String value) {
    previous.putIfAbsent(key, System.getProperty(key));
    System.setProperty(key, value);
    return this;
  }

  @Override
  public void close() {
    previous.forEach(
        (key, value) -> {
          if (value == null) {
            System.clearProperty(key);
          } else {
            System.setProperty(key, value);
          }
        });
    previous.clear();
  }
}
