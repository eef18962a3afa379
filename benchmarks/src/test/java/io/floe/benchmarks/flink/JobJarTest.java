package io.floe.benchmarks.flink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobJarTest {
  @Test
  void selectsOnlyTheJobClasses() {
    assertThat(JobJar.isJobClass("io/floe/benchmarks/jobs/StageJob.class")).isTrue();
    assertThat(JobJar.isJobClass("io/floe/benchmarks/jobs/StageJob$Parse.class")).isTrue();
    assertThat(JobJar.isJobClass("io/floe/loader/sink/GeneratedRowsWriterOperator.class")).isTrue();
    assertThat(JobJar.isJobClass("io/floe/loader/sink/TableWriterOperator.class")).isFalse();
    assertThat(JobJar.isJobClass("io/floe/benchmarks/Benchmarks.class")).isFalse();
  }

  @Test
  void nestsTheLoaderJarStoredUnderLib(@TempDir Path dir) throws Exception {
    Path classes = dir.resolve("classes");
    Files.createDirectories(classes.resolve("io/floe/benchmarks/jobs"));
    Files.writeString(classes.resolve("io/floe/benchmarks/jobs/A.class"), "a");
    Files.createDirectories(classes.resolve("io/floe/benchmarks/all"));
    Files.writeString(classes.resolve("io/floe/benchmarks/all/B.class"), "b");
    Path loader = dir.resolve("loader.jar");
    Files.write(loader, new byte[] {1, 2, 3, 4});

    Path jar = JobJar.write(dir.resolve("out/jobs.jar"), classes, loader);

    try (JarFile file = new JarFile(jar.toFile())) {
      assertThat(file.getEntry("io/floe/benchmarks/jobs/A.class")).isNotNull();
      assertThat(file.getEntry("io/floe/benchmarks/all/B.class")).isNull();
      ZipEntry nested = file.getEntry("lib/loader-job.jar");
      assertThat(nested.getMethod()).isEqualTo(ZipEntry.STORED);
      assertThat(file.getInputStream(nested).readAllBytes()).containsExactly(1, 2, 3, 4);
    }
  }

  @Test
  void entryClassNamesMatchTheJobs() {
    assertThat(io.floe.benchmarks.jobs.StageJob.ENTRY_CLASS)
        .isEqualTo(io.floe.benchmarks.jobs.StageJob.class.getName());
    assertThat(io.floe.benchmarks.jobs.SqlLoadJob.ENTRY_CLASS)
        .isEqualTo(io.floe.benchmarks.jobs.SqlLoadJob.class.getName());
  }
}
