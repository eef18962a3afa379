package io.floe.control.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.loader.settings.LoaderSettings;
import io.floe.loader.settings.Setting;
import io.floe.loader.settings.SourceSettings;
import io.floe.loader.settings.TableSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The loader's setting keys are declared once, in loader-settings: every other module's main code
 * names a key through its {@link Setting} (or a prefix constant), never as a string literal, so a
 * renamed key cannot leave a stale copy behind.
 */
class LoaderSettingKeysTest {
  /** The module that declares the keys. */
  private static final String DECLARING_MODULE = "loader-settings";

  private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");

  @Test
  void noModuleSpellsALoaderSettingKeyAsALiteral() throws IOException {
    Path root = repositoryRoot();
    List<Path> sources = new ArrayList<>();
    for (String module : modules(root)) {
      Path main = root.resolve(module).resolve("src/main/java");
      if (!module.equals(DECLARING_MODULE) && Files.isDirectory(main)) {
        try (Stream<Path> files = Files.walk(main)) {
          files.filter(file -> file.toString().endsWith(".java")).forEach(sources::add);
        }
      }
    }
    assertThat(sources).as("main sources of the modules beside loader-settings").isNotEmpty();
    List<String> found = new ArrayList<>();
    for (Path source : sources) {
      for (Literal literal : literals(Files.readString(source, StandardCharsets.UTF_8))) {
        if (isLoaderKey(literal.text())) {
          found.add(
              root.relativize(source) + ":" + literal.line() + ": \"" + literal.text() + "\"");
        }
      }
    }
    assertThat(found)
        .as("string literals that spell a loader setting key (use the Setting's key())")
        .isEmpty();
  }

  @Test
  void findsLiteralsButNotCommentsOrCharacters() {
    String source =
        "// \"job.parallelism\" in a comment\n"
            + "/* \"source.topics\" */ char quote = '\"';\n"
            + "String a = \"job.parallelism\", b = \"a \\\" b\";\n"
            + "String c = \"\"\"\n  table.name\n  \"\"\";\n"
            + "String d = \"table.write.format\";\n";

    List<Literal> literals = literals(source);

    assertThat(literals)
        .containsExactly(
            new Literal("job.parallelism", 3),
            new Literal("a \\\" b", 3),
            new Literal("\n  table.name\n  ", 4),
            new Literal("table.write.format", 7));
    assertThat(literals.stream().filter(l -> isLoaderKey(l.text())).map(Literal::line))
        .containsExactly(3, 7);
  }

  /** A key of a declared setting, or a key under one of the pass-through prefixes. */
  private static boolean isLoaderKey(String text) {
    Set<String> keys =
        LoaderSettings.all().stream().map(Setting::key).collect(Collectors.toUnmodifiableSet());
    return keys.contains(text)
        || Stream.of(
                SourceSettings.KAFKA_PROPERTIES_PREFIX,
                TableSettings.CATALOG_PREFIX,
                TableSettings.WRITE_PREFIX)
            .anyMatch(text::startsWith);
  }

  /** The directory of the parent pom, from the module's directory the tests run in. */
  private static Path repositoryRoot() {
    Path here = Path.of("").toAbsolutePath();
    for (Path dir = here; dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve(DECLARING_MODULE))
          && Files.exists(dir.resolve("pom.xml"))) {
        return dir;
      }
    }
    throw new IllegalStateException("No repository root above " + here);
  }

  private static List<String> modules(Path root) throws IOException {
    Matcher matcher = MODULE.matcher(Files.readString(root.resolve("pom.xml")));
    List<String> modules = new ArrayList<>();
    while (matcher.find()) {
      modules.add(matcher.group(1).trim());
    }
    return modules;
  }

  /** A string literal (or text block) as written, without its quotes, and its first line. */
  record Literal(String text, int line) {}

  /** The string literals of Java source, skipping comments and character literals. */
  static List<Literal> literals(String source) {
    List<Literal> literals = new ArrayList<>();
    int line = 1;
    int i = 0;
    while (i < source.length()) {
      char c = source.charAt(i);
      if (source.startsWith("//", i)) {
        while (i < source.length() && source.charAt(i) != '\n') {
          i++;
        }
      } else if (source.startsWith("/*", i)) {
        int end = source.indexOf("*/", i + 2);
        end = end < 0 ? source.length() : end + 2;
        line += count(source, i, end);
        i = end;
      } else if (source.startsWith("\"\"\"", i)) {
        int end = source.indexOf("\"\"\"", i + 3);
        end = end < 0 ? source.length() : end;
        literals.add(new Literal(source.substring(i + 3, end), line));
        line += count(source, i, end);
        i = Math.min(source.length(), end + 3);
      } else if (c == '"' || c == '\'') {
        int start = i + 1;
        int end = start;
        while (end < source.length() && source.charAt(end) != c && source.charAt(end) != '\n') {
          end += source.charAt(end) == '\\' ? 2 : 1;
        }
        if (c == '"') {
          literals.add(new Literal(source.substring(start, end), line));
        }
        i = end + 1;
      } else {
        if (c == '\n') {
          line++;
        }
        i++;
      }
    }
    return literals;
  }

  private static int count(String source, int from, int to) {
    int lines = 0;
    for (int i = from; i < to; i++) {
      if (source.charAt(i) == '\n') {
        lines++;
      }
    }
    return lines;
  }
}
