package io.floe.loader.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.floe.loader.settings.PropertyGroups;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Where the loader's raw settings come from: Managed Flink's application property groups (the file
 * the service writes), or command-line arguments ({@code --key value}, {@code key=value}) with an
 * optional properties file ({@code --config file}) that the arguments override.
 */
public final class SettingsSources {
  /** Where Managed Flink puts the application's property groups. */
  public static final Path MANAGED_FLINK_PROPERTIES =
      Paths.get("/etc/flink/application_properties.json");

  private SettingsSources() {}

  /**
   * Reads the settings for this run: from the arguments when there are any, else from Managed
   * Flink's property groups.
   *
   * @throws IllegalArgumentException for unreadable files or malformed arguments
   */
  public static Map<String, String> load(String[] args) {
    if (args.length == 0 && Files.isReadable(MANAGED_FLINK_PROPERTIES)) {
      return fromPropertyGroups(MANAGED_FLINK_PROPERTIES);
    }
    return fromArguments(args);
  }

  static Map<String, String> fromArguments(String[] args) {
    Map<String, String> settings = new TreeMap<>();
    Map<String, String> given = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.startsWith("--")) {
        String key = arg.substring(2);
        int eq = key.indexOf('=');
        if (eq > 0) {
          given.put(key.substring(0, eq), key.substring(eq + 1));
        } else if (i + 1 < args.length) {
          given.put(key, args[++i]);
        } else {
          problems.add(arg + ": has no value");
        }
      } else if (arg.indexOf('=') > 0) {
        given.put(arg.substring(0, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
      } else {
        problems.add("'" + arg + "': expected --key value or key=value");
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("Invalid arguments: " + String.join("; ", problems));
    }
    String file = given.remove("config");
    if (file != null) {
      settings.putAll(fromPropertiesFile(Paths.get(file)));
    }
    settings.putAll(given);
    return settings;
  }

  static Map<String, String> fromPropertiesFile(Path file) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "Cannot read settings file " + file + ": " + e.getMessage(), e);
    }
    Map<String, String> settings = new TreeMap<>();
    properties.stringPropertyNames().forEach(key -> settings.put(key, properties.getProperty(key)));
    return settings;
  }

  /** Reads Managed Flink's JSON: [{"PropertyGroupId": "...", "PropertyMap": {...}}, ...]. */
  static Map<String, String> fromPropertyGroups(Path file) {
    JsonNode groups;
    try {
      groups = new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot read " + file + ": " + e.getMessage(), e);
    }
    Map<String, Map<String, String>> byGroup = new TreeMap<>();
    for (JsonNode group : groups) {
      Map<String, String> properties = new TreeMap<>();
      Iterator<Map.Entry<String, JsonNode>> fields = group.path("PropertyMap").fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        properties.put(field.getKey(), field.getValue().asText());
      }
      byGroup.put(group.path("PropertyGroupId").asText(), properties);
    }
    return PropertyGroups.toSettings(byGroup);
  }
}
