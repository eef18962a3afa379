package io.floe.benchmarks.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

class ProcessCpuTest {
  @Test
  void readsUserAndSystemTicksAfterTheCommandName() {
    // A command name with spaces and parentheses, as a thread may name itself.
    String stat =
        "4242 (java (main) x) S 1 4242 4242 0 -1 4194560 5000 0 0 0 1234 567 0 0 20 0 42 0"
            + " 100 4000000000 50000 18446744073709551615 1 1 0 0 0 0 0 2 16 0 0 0 0 0 0";

    assertThat(ProcessCpu.parseTicks(stat)).isEqualTo(1234 + 567);
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void measuresThisProcess() {
    ProcessCpu self = ProcessCpu.of(ProcessHandle.current().pid());

    assertThat(self.used()).isGreaterThan(Duration.ZERO);
  }
}
