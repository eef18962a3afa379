package io.floe.benchmarks;

import io.floe.benchmarks.all.AllBenchmark;
import io.floe.benchmarks.all.AllOptions;
import io.floe.benchmarks.all.AllReport;
import io.floe.benchmarks.all.AllResult;
import io.floe.benchmarks.environment.Versions;
import io.floe.benchmarks.report.Markdown;
import io.floe.benchmarks.routing.RoutingBenchmark;
import io.floe.benchmarks.rules.RulesBenchmark;
import io.floe.benchmarks.upsert.UpsertBenchmark;
import io.floe.loader.sample.SampleMessages;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.jar.JarFile;
import org.apache.iceberg.IcebergBuild;

/**
 * The one entry point of Floe's benchmarks: {@code java -jar benchmarks.jar <benchmark> [options]}.
 * Each benchmark prints its figures and writes a Markdown report; none asserts a timing, and none
 * runs in the build.
 */
public final class Benchmarks {
  private static final String USAGE =
      String.join(
          "\n",
          "usage: java -jar benchmarks/target/benchmarks.jar <benchmark> [options]",
          "",
          "Benchmarks:",
          "  all          every figure of the benchmark issue in one run: stage ceilings and the",
          "               limit L, loader vs Flink SQL, scaling, freshness, heap, JFR profile",
          "  rules        the per-record cost of five data-quality rules in the parser, in process:",
          "               --records N per round (default 1000000), --rounds R (default 5)",
          "  routing      one table against ten routed by a field: route, parse, write and commit",
          "               in process: --records N per round (default 1000000), --rounds R",
          "               (default 5), --checkpoint-records C per commit (default 100000)",
          "  upsert       upsert against append by key on the same messages, and the full-scan read",
          "               before and after folding the deletes, in process: --records N per round",
          "               (default 500000), --rounds R (default 5), --checkpoint-records C",
          "               (default 50000), --keys K ids drawn from (default 10000)",
          "",
          "java -jar benchmarks/target/benchmarks.jar <benchmark> --help lists its options.");

  private Benchmarks() {}

  public static void main(String[] args) {
    int exitCode = run(List.of(args), System.out, System.err);
    System.exit(exitCode);
  }

  /**
   * Runs a benchmark; returns 0 when it ran and its results are correct, 1 when it failed or the
   * results are wrong (the report still says how), 2 for a bad command line.
   */
  static int run(List<String> args, PrintStream out, PrintStream err) {
    if (args.isEmpty() || args.get(0).equals("--help") || args.get(0).equals("help")) {
      (args.isEmpty() ? err : out).println(USAGE);
      return args.isEmpty() ? 2 : 0;
    }
    List<String> options = args.subList(1, args.size());
    switch (args.get(0)) {
      case "all":
        return all(options, out, err);
      case "rules":
        return rules(options, out, err);
      case "routing":
        if (RoutingBenchmark.fromArguments(options, out) == null) {
          err.println(
              "usage: java -jar benchmarks/target/benchmarks.jar routing [--records N]"
                  + " [--rounds R] [--checkpoint-records C]");
          return 2;
        }
        return inChildJvm(RoutingBenchmark.class.getName(), options);
      case "upsert":
        if (UpsertBenchmark.fromArguments(options, out) == null) {
          err.println(
              "usage: java -jar benchmarks/target/benchmarks.jar upsert [--records N]"
                  + " [--rounds R] [--checkpoint-records C] [--keys K]");
          return 2;
        }
        return inChildJvm(UpsertBenchmark.class.getName(), options);
      default:
        err.println("error: unknown benchmark '" + args.get(0) + "'");
        err.println();
        err.println(USAGE);
        return 2;
    }
  }

  /**
   * Runs the rules benchmark in a child JVM with this JAR, its lib/ and the local Flink cluster's
   * classpath (the parser needs Flink's table classes, which the loader JAR does not bundle).
   */
  private static int rules(List<String> args, PrintStream out, PrintStream err) {
    if (RulesBenchmark.fromArguments(args, out) == null) {
      err.println(
          "usage: java -jar benchmarks/target/benchmarks.jar rules [--records N] [--rounds R]");
      return 2;
    }
    return inChildJvm(RulesBenchmark.class.getName(), args);
  }

  /** Runs an in-process benchmark's main class in a child JVM (see {@link #rules}). */
  private static int inChildJvm(String mainClass, List<String> args) {
    List<String> command = new java.util.ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx1g");
    command.add("-cp");
    command.add(rulesClasspath());
    command.add(mainClass);
    command.addAll(args);
    try {
      Process process = new ProcessBuilder(command).inheritIO().start();
      return process.waitFor() == 0 ? 0 : 1;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }

  private static String rulesClasspath() {
    List<String> entries = new java.util.ArrayList<>();
    Path code = codeSource();
    entries.add(code.toString());
    Path lib = code.getParent().resolve("lib");
    if (Files.isDirectory(lib)) {
      try (java.util.stream.Stream<Path> jars = Files.list(lib)) {
        jars.map(Path::toString).sorted().forEach(entries::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    try (java.io.InputStream in =
        io.floe.local.LocalFlinkCluster.class.getResourceAsStream(
            "/io/floe/local/flink-cluster.classpath")) {
      if (in == null) {
        throw new IllegalStateException(
            "the local Flink cluster's classpath is not on the classpath");
      }
      entries.add(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return String.join(java.io.File.pathSeparator, entries);
  }

  private static int all(List<String> args, PrintStream out, PrintStream err) {
    AllOptions.Parsed parsed = AllOptions.parse(args, targetDir());
    if (parsed.help()) {
      out.println(AllOptions.USAGE);
      return 0;
    }
    if (parsed.options().isEmpty()) {
      parsed.problems().forEach(problem -> err.println("error: " + problem));
      err.println();
      err.println(AllOptions.USAGE);
      return 2;
    }
    AllOptions options = parsed.options().get();
    Path loaderJar = options.loaderJar().orElseGet(Benchmarks::bundledLoaderJar);
    try {
      requireLoaderJar(loaderJar);
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      return 2;
    }
    AllResult result;
    try {
      result = new AllBenchmark(options, loaderJar, codeSource(), out).run();
    } catch (RuntimeException e) {
      err.println("error: the benchmark failed: " + e.getMessage());
      e.printStackTrace(err);
      err.println("Logs of the broker and the Flink cluster are in " + options.workDir());
      return 1;
    }
    Markdown report =
        new AllReport(result, Versions.ofBuild(), IcebergBuild.version(), args, ZonedDateTime.now())
            .writeTo(options.reportDir());
    out.println();
    out.println(report.render());
    out.println(
        "Report written to " + options.reportDir().resolve(AllReport.REPORT).toAbsolutePath());
    if (!result.allCorrect()) {
      err.println("error: a table did not hold exactly what it should; see the report");
      return 1;
    }
    return 0;
  }

  /** This benchmark's JAR, or its classes folder when run from an IDE or a test. */
  private static Path codeSource() {
    try {
      return Path.of(Benchmarks.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The folder holding this benchmark's JAR (or classes): benchmarks/target when run as built. The
   * defaults of work folders and reports are in it, whatever the current directory.
   */
  private static Path targetDir() {
    try {
      Path location =
          Path.of(Benchmarks.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return location.toAbsolutePath().getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The shaded loader JAR this benchmark runs with (target/lib/loader-job-*.jar): the JAR the
   * sample messages come from is the JAR the cluster runs.
   */
  private static Path bundledLoaderJar() {
    try {
      return Path.of(
          SampleMessages.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void requireLoaderJar(Path jar) {
    String hint =
        ": build with ./mvnw -q -B package -DskipTests -pl benchmarks -am, or give --loader-jar";
    if (!Files.isRegularFile(jar) || !jar.toString().endsWith(".jar")) {
      throw new IllegalArgumentException("The loader is not a JAR file: " + jar + hint);
    }
    try (JarFile file = new JarFile(jar.toFile())) {
      if (file.getEntry("io/floe/loader/LoaderJob.class") == null
          || file.getEntry("org/apache/iceberg/flink/FlinkCatalog.class") == null) {
        throw new IllegalArgumentException("Not the shaded loader JAR: " + jar + hint);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + jar, e);
    }
  }
}
