package io.floe.control.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * Checks of a validated configuration record as Spring binds it, in the manner of Trino's
 * ConfigAssertions: what it holds when nothing is set (every default), and that setting every key
 * changes every field.
 */
public final class ConfigurationRecords {
  private ConfigurationRecords() {}

  /** The record bound from these properties under {@code prefix}, with its defaults elsewhere. */
  public static <T> T bind(String prefix, Class<T> type, Map<String, String> properties) {
    return new Binder(new MapConfigurationPropertySource(properties)).bindOrCreate(prefix, type);
  }

  /** Binding nothing gives {@code expected}: every default, as declared once on the record. */
  public static <T extends Record> void assertDefaults(String prefix, Class<T> type, T expected) {
    assertThat(bind(prefix, type, Map.of())).isEqualTo(expected);
  }

  /**
   * {@code properties} name every field of the record (in kebab case under {@code prefix}), each
   * with a value other than its default, and bind to {@code expected}.
   */
  public static <T extends Record> void assertFullMapping(
      String prefix, Class<T> type, Map<String, String> properties, T expected) {
    assertThat(properties.keySet())
        .as("a value for every field of %s", type.getSimpleName())
        .containsExactlyInAnyOrderElementsOf(
            Arrays.stream(type.getRecordComponents())
                .map(component -> prefix + "." + kebabCase(component.getName()))
                .collect(Collectors.toList()));
    T defaults = bind(prefix, type, Map.of());
    T bound = bind(prefix, type, properties);
    assertThat(bound).isEqualTo(expected);
    for (RecordComponent component : type.getRecordComponents()) {
      assertThat(value(component, bound))
          .as("%s set explicitly differs from its default", component.getName())
          .isNotEqualTo(value(component, defaults));
    }
  }

  private static String kebabCase(String name) {
    return name.replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT);
  }

  private static Object value(RecordComponent component, Record record) {
    try {
      return component.getAccessor().invoke(record);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new AssertionError("cannot read " + component.getName(), e);
    }
  }
}
