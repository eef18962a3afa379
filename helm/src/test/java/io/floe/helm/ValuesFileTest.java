package io.floe.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** values.yaml documents every key, and the production example uses no key the chart lacks. */
class ValuesFileTest {
  private static final Pattern KEY = Pattern.compile("^(\\s*)([A-Za-z0-9_.-]+):(\\s.*)?$");

  @Test
  void everyKeyHasACommentRightAboveIt() throws IOException {
    List<String> lines = Files.readAllLines(Chart.VALUES);
    List<String> undocumented = new ArrayList<>();
    List<String> path = new ArrayList<>();
    int keys = 0;
    for (int i = 0; i < lines.size(); i++) {
      Matcher key = KEY.matcher(lines.get(i));
      if (!key.matches()) {
        continue;
      }
      keys++;
      int depth = key.group(1).length() / 2;
      path.subList(Math.min(depth, path.size()), path.size()).clear();
      path.add(key.group(2));
      if (i == 0 || !lines.get(i - 1).trim().startsWith("#")) {
        undocumented.add(String.join(".", path) + " (line " + (i + 1) + ")");
      }
    }
    assertThat(keys).isGreaterThan(50);
    assertThat(undocumented).as("keys without a comment right above them").isEmpty();
  }

  @Test
  void productionValuesSetOnlyKeysTheChartHas() {
    List<String> unknown = new ArrayList<>();
    unknownKeys(Chart.read(Chart.VALUES), Chart.read(Chart.PRODUCTION), "", unknown);
    assertThat(unknown).isEmpty();
  }

  @Test
  void chartVersionIsTheProjects() {
    assertThat(Chart.read(Chart.DIR.resolve("Chart.yaml")).get("appVersion").asText())
        .isEqualTo(System.getProperty("floe.version"));
  }

  /** Keys below a map that is empty by default ({}: config, annotations, ...) are free-form. */
  private static void unknownKeys(JsonNode defaults, JsonNode values, String at, List<String> out) {
    for (Map.Entry<String, JsonNode> field :
        (Iterable<Map.Entry<String, JsonNode>>) values::fields) {
      String path = at + "/" + field.getKey();
      JsonNode known = defaults.get(field.getKey());
      if (known == null) {
        out.add(path);
      } else if (known.isObject() && !known.isEmpty()) {
        unknownKeys(known, field.getValue(), path, out);
      }
    }
  }
}
