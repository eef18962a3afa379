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
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Flink session cluster on this machine, built from Maven artifacts (Flink publishes no
 * distribution there): one JobManager and one TaskManager process, started the way Flink's own
 * scripts start them, with the REST API (jar upload and run) on a local port.
 *
 * <p>Both processes are supervised: one that exits unasked (a crash, a {@code kill -9} from
 * outside) is started again with the same configuration, so the JobManager comes back on the same
 * RPC and REST ports and the TaskManager registers with it again (a JobManager without high
 * availability comes back without the jobs it ran). Tests that take the TaskManager away on purpose
 * use {@link #killTaskManager()}, which leaves it down until {@link #startTaskManager()}.
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
  private final RestartPolicy restartPolicy;
  private final Consumer<ProcessRestart> onRestart;
  private final List<String> taskManagerParams;
  private final Map<String, String> environment;
  private final AtomicInteger taskManagerStarts = new AtomicInteger();
  // Set once while the cluster starts; volatile so that a restart listener can read the pids
  // without the cluster's lock, which close() holds while it waits for supervision to stop.
  private volatile SupervisedProcess jobManager;
  private volatile SupervisedProcess taskManager;

  private LocalFlinkCluster(
      Path workDir,
      Path confDir,
      List<String> classpath,
      int restPort,
      int taskSlots,
      RestartPolicy restartPolicy,
      Consumer<ProcessRestart> onRestart,
      Map<String, String> environment) {
    this.workDir = workDir;
    this.environment = Map.copyOf(environment);
    this.taskSlots = taskSlots;
    this.confDir = confDir;
    this.classpath = classpath;
    this.restPort = restPort;
    this.restartPolicy = restartPolicy;
    this.onRestart = onRestart;
    // Computed once: every TaskManager, restarted or not, runs with the same memory settings.
    this.taskManagerParams = resourceParams(classpath, confDir, workDir, "GET_TM_RESOURCE_PARAMS");
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

  /** The JobManager's pid (the newest one, after a restart). */
  public long jobManagerPid() {
    return jobManager.pid();
  }

  /** The TaskManager's pid (the newest one, after a restart). */
  public long taskManagerPid() {
    return taskManager.pid();
  }

  /**
   * Kills the TaskManager at once, as a crashed machine would; running jobs fail over. Unlike a
   * kill from outside, it stays down (unsupervised) until {@link #startTaskManager()}.
   */
  public synchronized void killTaskManager() {
    taskManager.kill();
  }

  /**
   * Starts the TaskManager after {@link #killTaskManager()}, waits until it registered, and
   * supervises it again.
   */
  public synchronized void startTaskManager() {
    taskManager.start();
    awaitTaskManagers(1, Duration.ofSeconds(90));
  }

  /** Stops supervising both processes, then stops them. */
  @Override
  public synchronized void close() {
    if (taskManager != null) {
      taskManager.stopSupervising();
    }
    if (jobManager != null) {
      jobManager.stopSupervising();
    }
    if (taskManager != null) {
      taskManager.close();
    }
    if (jobManager != null) {
      jobManager.close();
    }
  }

  private void startJobManager() {
    List<String> params = resourceParams(classpath, confDir, workDir, "GET_JM_RESOURCE_PARAMS");
    List<String> jvm = new ArrayList<>(JAVA_17_OPTIONS);
    jvm.addAll(List.of(params.get(0).trim().split("\\s+")));
    jvm.addAll(logOptions(workDir, confDir, "jobmanager"));
    List<String> args = new ArrayList<>(List.of("--configDir", confDir.toString()));
    args.addAll(List.of(params.get(1).trim().split("\\s+")));
    jobManager =
        SupervisedProcess.start(
            "jobmanager",
            () ->
                LocalProcess.start(
                    "jobmanager",
                    classpath,
                    jvm,
                    "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
                    args,
                    workDir.resolve("log").resolve("jobmanager.out"),
                    environment),
            process -> process.awaitPort(restPort, Duration.ofSeconds(90)),
            restartPolicy,
            onRestart);
  }

  private void startFirstTaskManager() {
    taskManager =
        SupervisedProcess.start(
            "taskmanager", this::launchTaskManager, process -> {}, restartPolicy, onRestart);
    awaitTaskManagers(1, Duration.ofSeconds(90));
  }

  /** Starts a TaskManager process; each start logs to files of its own (taskmanager-N.log). */
  private LocalProcess launchTaskManager() {
    String name = "taskmanager-" + taskManagerStarts.incrementAndGet();
    List<String> jvm = new ArrayList<>(JAVA_17_OPTIONS);
    jvm.addAll(List.of(taskManagerParams.get(0).trim().split("\\s+")));
    jvm.addAll(logOptions(workDir, confDir, name));
    List<String> args = new ArrayList<>(List.of("--configDir", confDir.toString()));
    args.addAll(List.of(taskManagerParams.get(1).trim().split("\\s+")));
    return LocalProcess.start(
        name,
        classpath,
        jvm,
        "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
        args,
        workDir.resolve("log").resolve(name + ".out"),
        environment);
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
    private final Map<String, String> environment = new LinkedHashMap<>();
    private RestartPolicy restartPolicy = RestartPolicy.DEFAULT;
    private Consumer<ProcessRestart> onRestart = restart -> {};

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

    /**
     * An environment variable of the JobManager and TaskManager processes, over the one they
     * inherit: for example the AWS credentials the jobs' clients find in the default chain.
     */
    public Builder environment(String name, String value) {
      environment.put(requireNonNull(name, "name is null"), requireNonNull(value, "value is null"));
      return this;
    }

    /** When a JobManager or TaskManager that exited unasked is started again. */
    public Builder restartPolicy(RestartPolicy policy) {
      this.restartPolicy = requireNonNull(policy, "policy is null");
      return this;
    }

    /**
     * Told of each restart of the JobManager or the TaskManager after it exited unasked, in a
     * thread of the cluster's own.
     */
    public Builder onRestart(Consumer<ProcessRestart> listener) {
      this.onRestart = requireNonNull(listener, "listener is null");
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
      List<Integer> ports = LocalProcess.freePorts(2, restPort > 0 ? Set.of(restPort) : Set.of());
      int port = restPort > 0 ? restPort : ports.get(1);

      Map<String, String> config = new LinkedHashMap<>();
      config.put("jobmanager.rpc.address", "localhost");
      config.put("jobmanager.rpc.port", Integer.toString(ports.get(0)));
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
      LocalFlinkCluster cluster =
          new LocalFlinkCluster(
              workDir, confDir, classpath, port, taskSlots, restartPolicy, onRestart, environment);
      try {
        cluster.startJobManager();
        cluster.startFirstTaskManager();
      } catch (RuntimeException e) {
        cluster.close();
        throw e;
      }
      return cluster;
    }
  }
}
