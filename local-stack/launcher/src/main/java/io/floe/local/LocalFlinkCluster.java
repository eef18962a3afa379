package io.floe.local;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Flink session cluster on this machine, built from Maven artifacts (Flink publishes no
 * distribution there): one JobManager and one TaskManager process, started the way Flink's own
 * scripts start them, with the REST API (jar upload and run) on a local port. Tests kill and
 * restart the TaskManager to inject failures.
 */
public final class LocalFlinkCluster implements AutoCloseable {
  private static final String CLASSPATH = "/io/floe/local/flink-cluster.classpath";
  private static final String RESULT_PREFIX = "BASH_JAVA_UTILS_EXEC_RESULT:";
  private static final Pattern SLOTS = Pattern.compile("\"slots-total\"\\s*:\\s*(\\d+)");

  /** Flink's own default JVM options for Java 17 (env.java.opts.all in its config.yaml). */
  static final List<String> JAVA_17_OPTIONS =
      List.of(
          "-XX:+IgnoreUnrecognizedVMOptions",
          "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
          "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
          "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
          "--add-opens=java.base/java.lang=ALL-UNNAMED",
          "--add-opens=java.base/java.net=ALL-UNNAMED",
          "--add-opens=java.base/java.io=ALL-UNNAMED",
          "--add-opens=java.base/java.nio=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-opens=java.base/java.text=ALL-UNNAMED",
          "--add-opens=java.base/java.time=ALL-UNNAMED",
          "--add-opens=java.base/java.util=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED",
          "--add-opens=java.sql/java.sql=ALL-UNNAMED");

  private final Path workDir;
  private final Path confDir;
  private final List<String> classpath;
  private final int restPort;
  private final int taskSlots;
  private final LocalProcess jobManager;
  private LocalProcess taskManager;
  private int taskManagerStarts;

  private LocalFlinkCluster(
      Path workDir,
      Path confDir,
      List<String> classpath,
      int restPort,
      int taskSlots,
      LocalProcess jobManager) {
    this.workDir = workDir;
    this.taskSlots = taskSlots;
    this.confDir = confDir;
    this.classpath = classpath;
    this.restPort = restPort;
    this.jobManager = jobManager;
  }

  public static Builder builder(Path workDir) {
    return new Builder(workDir);
  }

  /** The REST API, e.g. http://localhost:8081. */
  public URI restUrl() {
    return URI.create("http://localhost:" + restPort);
  }

  public Path checkpointsDir() {
    return workDir.resolve("checkpoints");
  }

  public Path savepointsDir() {
    return workDir.resolve("savepoints");
  }

  public Path jobManagerLog() {
    return workDir.resolve("log").resolve("jobmanager.log");
  }

  /** Kills the TaskManager at once, as a crashed machine would; running jobs fail over. */
  public synchronized void killTaskManager() {
    taskManager.kill();
  }

  /** Starts a TaskManager (after {@link #killTaskManager()}) and waits until it registered. */
  public synchronized void startTaskManager() {
    if (taskManager != null && taskManager.isAlive()) {
      throw new IllegalStateException("The TaskManager is running");
    }
    taskManager = launchTaskManager();
    awaitTaskManagers(1, Duration.ofSeconds(90));
  }

  @Override
  public synchronized void close() {
    if (taskManager != null) {
      taskManager.close();
    }
    jobManager.close();
  }

  private LocalProcess launchTaskManager() {
    taskManagerStarts++;
    String name = "taskmanager-" + taskManagerStarts;
    List<String> params = resourceParams(classpath, confDir, workDir, "GET_TM_RESOURCE_PARAMS");
    List<String> jvm = new ArrayList<>(JAVA_17_OPTIONS);
    jvm.addAll(List.of(params.get(0).trim().split("\\s+")));
    jvm.addAll(logOptions(workDir, confDir, name));
    List<String> args = new ArrayList<>(List.of("--configDir", confDir.toString()));
    args.addAll(List.of(params.get(1).trim().split("\\s+")));
    return LocalProcess.start(
        name,
        classpath,
        jvm,
        "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
        args,
        workDir.resolve("log").resolve(name + ".out"));
  }

  private static List<String> resourceParams(
      List<String> classpath, Path confDir, Path workDir, String command) {
    String output =
        LocalProcess.run(
            "flink-" + command,
            classpath,
            "org.apache.flink.runtime.util.bash.BashJavaUtils",
            List.of(command, "--configDir", confDir.toString()),
            workDir.resolve("log").resolve(command.toLowerCase() + ".out"));
    List<String> results = new ArrayList<>();
    for (String line : output.split("\n")) {
      if (line.startsWith(RESULT_PREFIX)) {
        results.add(line.substring(RESULT_PREFIX.length()));
      }
    }
    if (results.size() != 2) {
      throw new IllegalStateException(
          "Unexpected output of BashJavaUtils " + command + ":\n" + output);
    }
    return results;
  }

  private static List<String> logOptions(Path workDir, Path confDir, String name) {
    return List.of(
        "-Dlog.file=" + workDir.resolve("log").resolve(name + ".log"),
        "-Dlog4j2.configurationFile=" + confDir.resolve("log4j2.properties"));
  }

  /** Waits until this many TaskManagers registered with the JobManager and offered their slots. */
  public void awaitTaskManagers(int count, Duration timeout) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      try {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(restUrl().resolve("/overview"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher m = SLOTS.matcher(response.body());
        if (response.statusCode() == 200
            && m.find()
            && Integer.parseInt(m.group(1)) >= count * taskSlots) {
          return;
        }
      } catch (IOException e) {
        // not up yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted", e);
      }
      if (!jobManager.isAlive()) {
        throw new IllegalStateException("The JobManager exited; see " + jobManagerLog());
      }
      LocalProcess.sleep(Duration.ofMillis(300));
    }
    throw new IllegalStateException(
        count + " TaskManager(s) did not register within " + timeout + "; see " + workDir);
  }

  /** Options of a local cluster. */
  public static final class Builder {
    private final Path workDir;
    private int restPort;
    private int taskSlots = 4;
    private String taskManagerMemory = "2560m";
    private String jobManagerMemory = "1024m";
    private final List<String> extraClasspath = new ArrayList<>();
    private final Map<String, String> extraConfig = new LinkedHashMap<>();

    private Builder(Path workDir) {
      this.workDir = requireNonNull(workDir, "workDir is null");
    }

    /** The REST port; by default a free one. */
    public Builder restPort(int restPort) {
      this.restPort = restPort;
      return this;
    }

    public Builder taskSlots(int taskSlots) {
      this.taskSlots = taskSlots;
      return this;
    }

    /** The TaskManager's process size, e.g. 2560m. */
    public Builder taskManagerMemory(String size) {
      this.taskManagerMemory = requireNonNull(size, "size is null");
      return this;
    }

    /** Jars added to the cluster's own classpath, as if placed in Flink's lib/ folder. */
    public Builder addToClasspath(List<String> jars) {
      extraClasspath.addAll(jars);
      return this;
    }

    /** A Flink configuration option, overriding the local defaults. */
    public Builder config(String key, String value) {
      extraConfig.put(key, value);
      return this;
    }

    public LocalFlinkCluster start() {
      try {
        return doStart();
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot start a local Flink cluster in " + workDir, e);
      }
    }

    private LocalFlinkCluster doStart() throws IOException {
      Path confDir = Files.createDirectories(workDir.resolve("conf"));
      Files.createDirectories(workDir.resolve("log"));
      Files.createDirectories(workDir.resolve("tmp"));
      Files.createDirectories(workDir.resolve("uploads"));
      int port = restPort > 0 ? restPort : LocalProcess.freePort();

      Map<String, String> config = new LinkedHashMap<>();
      config.put("jobmanager.rpc.address", "localhost");
      config.put("jobmanager.rpc.port", Integer.toString(LocalProcess.freePort()));
      config.put("jobmanager.bind-host", "localhost");
      config.put("taskmanager.bind-host", "localhost");
      config.put("taskmanager.host", "localhost");
      config.put("rest.address", "localhost");
      config.put("rest.bind-address", "localhost");
      config.put("rest.port", Integer.toString(port));
      config.put("jobmanager.memory.process.size", jobManagerMemory);
      config.put("taskmanager.memory.process.size", taskManagerMemory);
      config.put("taskmanager.numberOfTaskSlots", Integer.toString(taskSlots));
      config.put("parallelism.default", "1");
      config.put("jobmanager.scheduler", "adaptive");
      // Rescale in place within seconds of a request (the default waits 30 s after a start).
      config.put("jobmanager.adaptive-scheduler.scaling-interval.min", "5s");
      config.put("state.checkpoints.dir", workDir.resolve("checkpoints").toUri().toString());
      config.put("state.savepoints.dir", workDir.resolve("savepoints").toUri().toString());
      config.put("state.checkpoints.num-retained", "3");
      config.put("web.submit.enable", "true");
      config.put("web.cancel.enable", "true");
      config.put("web.upload.dir", workDir.resolve("uploads").toString());
      config.put("web.tmpdir", workDir.resolve("tmp").toString());
      config.put("io.tmp.dirs", workDir.resolve("tmp").toString());
      config.put("heartbeat.interval", "2000");
      config.put("heartbeat.timeout", "10000");
      config.put("classloader.check-leaked-classloader", "false");
      config.putAll(extraConfig);
      StringBuilder yaml = new StringBuilder();
      config.forEach((key, value) -> yaml.append(key).append(": ").append(value).append('\n'));
      Files.writeString(confDir.resolve("config.yaml"), yaml, StandardCharsets.UTF_8);
      Files.writeString(
          confDir.resolve("log4j2.properties"),
          String.join(
              "\n",
              "rootLogger.level = INFO",
              "rootLogger.appenderRef.file.ref = file",
              "appender.file.type = File",
              "appender.file.name = file",
              "appender.file.fileName = ${sys:log.file}",
              "appender.file.layout.type = PatternLayout",
              "appender.file.layout.pattern = %d{HH:mm:ss,SSS} %-5p %-60c %x - %m%n",
              "logger.kafka.name = org.apache.kafka",
              "logger.kafka.level = WARN",
              "logger.hadoop.name = org.apache.hadoop",
              "logger.hadoop.level = WARN",
              ""),
          StandardCharsets.UTF_8);

      List<String> classpath = new ArrayList<>(LocalProcess.recordedClasspath(CLASSPATH));
      classpath.addAll(extraClasspath);
      List<String> params = resourceParams(classpath, confDir, workDir, "GET_JM_RESOURCE_PARAMS");
      List<String> jvm = new ArrayList<>(JAVA_17_OPTIONS);
      jvm.addAll(List.of(params.get(0).trim().split("\\s+")));
      jvm.addAll(logOptions(workDir, confDir, "jobmanager"));
      List<String> args = new ArrayList<>(List.of("--configDir", confDir.toString()));
      args.addAll(List.of(params.get(1).trim().split("\\s+")));
      LocalProcess jobManager =
          LocalProcess.start(
              "jobmanager",
              classpath,
              jvm,
              "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
              args,
              workDir.resolve("log").resolve("jobmanager.out"));
      LocalFlinkCluster cluster =
          new LocalFlinkCluster(workDir, confDir, classpath, port, taskSlots, jobManager);
      try {
        jobManager.awaitPort(port, Duration.ofSeconds(90));
        cluster.startTaskManager();
      } catch (RuntimeException e) {
        cluster.close();
        throw e;
      }
      return cluster;
    }
  }
}
