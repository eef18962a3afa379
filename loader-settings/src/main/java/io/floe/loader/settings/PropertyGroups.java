package io.floe.loader.settings;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders settings as Managed Flink application property groups and back. A key's first segment is
 * its group ({@code source.topics} is key {@code topics} of group {@code source}), within the
 * service's limits: at most 50 groups, 50 keys per group, 2048 characters per key and per value.
 */
public final class PropertyGroups {
  public static final int MAX_GROUPS = 50;
  public static final int MAX_KEYS_PER_GROUP = 50;
  public static final int MAX_KEY_OR_VALUE_LENGTH = 2048;

  private PropertyGroups() {}

  /**
   * Groups settings by their first key segment.
   *
   * @throws PropertyGroupLimitException naming every limit the settings exceed
   */
  public static Map<String, Map<String, String>> fromSettings(Map<String, String> settings) {
    Map<String, Map<String, String>> groups = new TreeMap<>();
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, String> entry : new TreeMap<>(settings).entrySet()) {
      String key = entry.getKey();
      int dot = key.indexOf('.');
      if (dot <= 0 || dot == key.length() - 1) {
        problems.add(key + ": has no group (a key is group.name)");
        continue;
      }
      String property = key.substring(dot + 1);
      if (property.length() > MAX_KEY_OR_VALUE_LENGTH) {
        problems.add(key + ": key longer than " + MAX_KEY_OR_VALUE_LENGTH + " characters");
      }
      if (entry.getValue().length() > MAX_KEY_OR_VALUE_LENGTH) {
        problems.add(
            key
                + ": value of "
                + entry.getValue().length()
                + " characters is longer than "
                + MAX_KEY_OR_VALUE_LENGTH);
      }
      groups
          .computeIfAbsent(key.substring(0, dot), g -> new TreeMap<>())
          .put(property, entry.getValue());
    }
    if (groups.size() > MAX_GROUPS) {
      problems.add(groups.size() + " property groups, more than " + MAX_GROUPS);
    }
    groups.forEach(
        (group, properties) -> {
          if (properties.size() > MAX_KEYS_PER_GROUP) {
            problems.add(
                group + ": " + properties.size() + " keys, more than " + MAX_KEYS_PER_GROUP);
          }
        });
    if (!problems.isEmpty()) {
      throw new PropertyGroupLimitException(problems);
    }
    Map<String, Map<String, String>> frozen = new TreeMap<>();
    groups.forEach(
        (group, properties) -> frozen.put(group, Collections.unmodifiableMap(properties)));
    return Collections.unmodifiableMap(frozen);
  }

  /** The inverse of {@link #fromSettings}: flattens groups into {@code group.key} settings. */
  public static Map<String, String> toSettings(Map<String, ? extends Map<?, ?>> groups) {
    Map<String, String> settings = new TreeMap<>();
    groups.forEach(
        (group, properties) ->
            properties.forEach(
                (key, value) -> settings.put(group + "." + key, String.valueOf(value))));
    return Collections.unmodifiableMap(settings);
  }

  /** Settings that cannot be sent as Managed Flink property groups. */
  public static final class PropertyGroupLimitException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    PropertyGroupLimitException(List<String> problems) {
      super(
          "Settings exceed Managed Flink's property group limits: " + String.join("; ", problems));
      this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
      return problems;
    }
  }
}
