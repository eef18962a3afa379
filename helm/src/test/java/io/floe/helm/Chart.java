package io.floe.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The chart in helm/floe, linted and rendered by Helm's own engine (helm-java), as objects. */
final class Chart {
  static final Path DIR = Path.of(System.getProperty("floe.chart", "floe")).toAbsolutePath();
  static final Path VALUES = DIR.resolve("values.yaml");
  static final Path PRODUCTION = DIR.resolve("values-production.yaml");

  /** The control plane role's IAM policy that README.md and the values point to. */
  static final Path CONTROL_PLANE_POLICY =
      DIR.resolve("../../docs/managed-flink-control-plane-policy.json").normalize();

  static final String RELEASE = "floe";
  static final String NAMESPACE = "data";

  private static final YAMLMapper YAML = new YAMLMapper();

  private Chart() {}

  /** {@code helm template} with these values files (none: the defaults) and --set values. */
  static Rendered template(List<Path> valuesFiles, Map<String, Object> set) {
    TemplateCommand template = new Helm(DIR).template().withName(RELEASE).withNamespace(NAMESPACE);
    valuesFiles.forEach(template::withValuesFile);
    set.forEach(template::set);
    return new Rendered(parseAll(template.call()));
  }

  static Rendered template(Path... valuesFiles) {
    return template(List.of(valuesFiles), Map.of());
  }

  /** NOTES.txt as {@code helm install --dry-run} prints it (client only: no cluster). */
  static String notes(Path... valuesFiles) {
    InstallCommand install =
        new Helm(DIR).install().withName(RELEASE).withNamespace(NAMESPACE).dryRun().clientOnly();
    for (Path file : valuesFiles) {
      install.withValuesFile(file);
    }
    return install.call().getOutput();
  }

  /**
   * {@code helm lint --strict}, with a values file over the chart's own: helm-java's lint takes no
   * values file, so the chart is copied with both merged into its values.yaml, as Helm merges them.
   */
  static LintResult lint(Path... valuesFiles) {
    try {
      Path copy = Files.createTempDirectory("floe-chart-").resolve("floe");
      try (Stream<Path> files = Files.walk(DIR)) {
        for (Path file : (Iterable<Path>) files::iterator) {
          Path target = copy.resolve(DIR.relativize(file).toString());
          if (Files.isDirectory(file)) {
            Files.createDirectories(target);
          } else {
            Files.copy(file, target);
          }
        }
      }
      JsonNode values = YAML.readTree(VALUES.toFile());
      for (Path file : valuesFiles) {
        merge((ObjectNode) values, YAML.readTree(file.toFile()));
      }
      YAML.writeValue(copy.resolve("values.yaml").toFile(), values);
      return new Helm(copy).lint().strict().call();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode parse(String yaml) {
    try {
      return YAML.readTree(yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode read(Path yaml) {
    try {
      return YAML.readTree(yaml.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<JsonNode> parseAll(String manifests) {
    try {
      List<JsonNode> objects = new ArrayList<>();
      Iterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(manifests);
      while (documents.hasNext()) {
        JsonNode document = documents.next();
        if (document != null && document.isObject() && document.has("kind")) {
          objects.add(document);
        }
      }
      return objects;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Helm's merge of values: maps merge key by key, anything else is replaced. */
  private static void merge(ObjectNode into, JsonNode from) {
    from.fields()
        .forEachRemaining(
            field -> {
              JsonNode existing = into.get(field.getKey());
              if (existing instanceof ObjectNode target && field.getValue().isObject()) {
                merge(target, field.getValue());
              } else {
                into.set(field.getKey(), field.getValue());
              }
            });
  }

  /** The objects of one rendering. */
  record Rendered(List<JsonNode> objects) {
    List<String> kinds() {
      return objects.stream().map(object -> object.get("kind").asText()).sorted().toList();
    }

    /** The one object of this kind. */
    JsonNode one(String kind) {
      List<JsonNode> found =
          objects.stream().filter(object -> object.get("kind").asText().equals(kind)).toList();
      if (found.size() != 1) {
        throw new AssertionError(
            "Expected one " + kind + ", found " + found.size() + ": " + kinds());
      }
      return found.get(0);
    }

    JsonNode deployment() {
      return one("Deployment");
    }

    JsonNode podSpec() {
      return deployment().at("/spec/template/spec");
    }

    JsonNode container() {
      return podSpec().at("/containers/0");
    }

    /** The container's environment variable of this name (a missing node when not set). */
    JsonNode env(String name) {
      for (JsonNode variable : container().get("env")) {
        if (variable.get("name").asText().equals(name)) {
          return variable;
        }
      }
      return MissingNode.getInstance();
    }

    /** The application.yaml of the ConfigMap, parsed. */
    JsonNode applicationConfig() {
      return parse(one("ConfigMap").at("/data/application.yaml").asText());
    }

    /** The application.yaml of the settings Secret, parsed. */
    JsonNode secretConfig() {
      return parse(one("Secret").at("/stringData/application.yaml").asText());
    }
  }
}
