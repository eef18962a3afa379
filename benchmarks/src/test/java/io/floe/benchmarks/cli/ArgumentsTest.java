package io.floe.benchmarks.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ArgumentsTest {
  private static final Set<String> OPTIONS = Set.of("records", "interval", "property", "mode");

  @Test
  void readsTypedValuesAndDefaults() {
    Arguments arguments =
        Arguments.parse(
            List.of("--records", "1_000", "--interval", "500ms", "--help"),
            OPTIONS,
            Set.of("help"));

    assertThat(arguments.longValue("records", 5, 1)).isEqualTo(1000);
    assertThat(arguments.duration("interval", Duration.ofSeconds(1)))
        .isEqualTo(Duration.ofMillis(500));
    assertThat(arguments.text("mode", "fast")).isEqualTo("fast");
    assertThat(arguments.flag("help")).isTrue();
    assertThat(arguments.problems()).isEmpty();
  }

  @Test
  void collectsRepeatedKeyValues() {
    Arguments arguments =
        Arguments.parse(List.of("--property", "a=1", "--property", "b=x=y"), OPTIONS, Set.of());

    assertThat(arguments.keyValues("property"))
        .containsExactly(Map.entry("a", "1"), Map.entry("b", "x=y"));
  }

  @Test
  void reportsEveryProblemAtOnce() {
    Arguments arguments =
        Arguments.parse(
            List.of("--unknown", "1", "--records", "0", "--interval", "soon", "--mode"),
            OPTIONS,
            Set.of());
    arguments.longValue("records", 5, 1);
    arguments.duration("interval", Duration.ZERO);
    arguments.choice("mode", "fast", Set.of("fast", "slow"));

    assertThat(arguments.problems())
        .containsExactly(
            "unknown option --unknown",
            "unexpected argument '1'",
            "--mode needs a value",
            "--records '0': must be at least 1",
            "--interval 'soon': not a duration such as 500ms, 10s, 5m or 1h");
  }

  @Test
  void parsesDurations() {
    assertThat(Arguments.parseDuration("10s")).isEqualTo(Duration.ofSeconds(10));
    assertThat(Arguments.parseDuration("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(Arguments.parseDuration("1h")).isEqualTo(Duration.ofHours(1));
    assertThatThrownBy(() -> Arguments.parseDuration("10"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
