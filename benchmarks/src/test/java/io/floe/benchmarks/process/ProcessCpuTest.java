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
  void tellsJitCompilerThreadsByName() {
    assertThat(ProcessCpu.isJitCompiler("17 (C2 CompilerThre) S 1 2 3")).isTrue();
    assertThat(ProcessCpu.isJitCompiler("18 (C1 CompilerThre) S 1 2 3")).isTrue();
    assertThat(ProcessCpu.isJitCompiler("19 (GC Thread#0) S 1 2 3")).isFalse();
    assertThat(ProcessCpu.isJitCompiler("20 (Source: Kafka (1/2)) S 1 2 3")).isFalse();
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void measuresThisProcessAndItsCompilerThreads() {
    ProcessCpu self = ProcessCpu.of(ProcessHandle.current().pid());

    assertThat(self.used()).isGreaterThan(Duration.ZERO);
    // Loading and running the test framework has compiled methods by now.
    assertThat(self.jitCompilation()).isGreaterThan(Duration.ZERO).isLessThan(self.used());
  }
}
