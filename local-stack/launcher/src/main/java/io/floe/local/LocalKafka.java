package io.floe.local;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * A single-node KRaft Kafka broker in its own JVM, for local runs and tests. Optionally it also
 * listens with SASL_SSL (PLAIN and SCRAM users, a self-signed certificate for localhost), so the
 * loader's security settings can be exercised for real.
 *
 * <p>The broker is supervised: when it exits unasked (a crash, a {@code kill -9}) it is started
 * again with the same configuration, so it comes back on the same ports with the same log
 * directory, topics and data, and clients reconnect.
 */
public final class LocalKafka implements AutoCloseable {
  private static final String CLASSPATH = "/io/floe/local/kafka-broker.classpath";
  private static final Pattern STARTED = Pattern.compile("Kafka Server started");

  private final SupervisedProcess process;
  private final int port;
  private final Optional<SaslSsl> saslSsl;

  private LocalKafka(SupervisedProcess process, int port, Optional<SaslSsl> saslSsl) {
    this.process = process;
    this.port = port;
    this.saslSsl = saslSsl;
  }

  public static Builder builder(Path workDir) {
    return new Builder(workDir);
  }

  /** A PLAINTEXT broker on a free port. */
  public static LocalKafka start(Path workDir) {
    return builder(workDir).start();
  }

  /** host:port of the PLAINTEXT listener. */
  public String bootstrapServers() {
    return "localhost:" + port;
  }

  /** The port of the PLAINTEXT listener. */
  public int port() {
    return port;
  }

  /** The SASL_SSL listener, when the broker was started with one. */
  public Optional<SaslSsl> saslSsl() {
    return saslSsl;
  }

  public boolean isRunning() {
    return process.isAlive();
  }

  /** The broker's pid (the newest one, after a restart). */
  public long pid() {
    return process.pid();
  }

  public Path logFile() {
    return process.logFile();
  }

  /** Stops supervising the broker, then stops it. */
  @Override
  public void close() {
    process.close();
  }

  /** Where and how clients connect with SASL_SSL. */
  public static final class SaslSsl {
    private final int port;
    private final Path trustedCertificate;

    SaslSsl(int port, Path trustedCertificate) {
      this.port = port;
      this.trustedCertificate = trustedCertificate;
    }

    public String bootstrapServers() {
      return "localhost:" + port;
    }

    /** The broker's certificate in PEM, for {@code ssl.truststore.type=PEM}. */
    public Path trustedCertificate() {
      return trustedCertificate;
    }
  }

  /** Options of a local broker. */
  public static final class Builder {
    private final Path workDir;
    private int port;
    private final Map<String, String> plainUsers = new LinkedHashMap<>();
    private final Map<String, String> scramUsers = new LinkedHashMap<>();
    private RestartPolicy restartPolicy = RestartPolicy.DEFAULT;
    private Consumer<ProcessRestart> onRestart = restart -> {};

    private Builder(Path workDir) {
      this.workDir = requireNonNull(workDir, "workDir is null");
    }

    /** The PLAINTEXT port; by default a free one. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** Adds a SASL_SSL listener where this user logs in with PLAIN. */
    public Builder plainUser(String name, String password) {
      plainUsers.put(name, password);
      return this;
    }

    /** Adds a SASL_SSL listener where this user logs in with SCRAM-SHA-256 or SCRAM-SHA-512. */
    public Builder scramUser(String name, String password) {
      scramUsers.put(name, password);
      return this;
    }

    /** When a broker that exited unasked is started again. */
    public Builder restartPolicy(RestartPolicy policy) {
      this.restartPolicy = requireNonNull(policy, "policy is null");
      return this;
    }

    /** Told of each restart of the broker after it exited unasked, in a thread of its own. */
    public Builder onRestart(Consumer<ProcessRestart> listener) {
      this.onRestart = requireNonNull(listener, "listener is null");
      return this;
    }

    public LocalKafka start() {
      try {
        return doStart();
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot start a local Kafka broker in " + workDir, e);
      }
    }

    private LocalKafka doStart() throws IOException {
      Files.createDirectories(workDir);
      List<String> classpath = LocalProcess.recordedClasspath(CLASSPATH);
      boolean secured = !plainUsers.isEmpty() || !scramUsers.isEmpty();
      // Every listener on a port of its own (Kafka refuses two listeners on one port).
      List<Integer> ports =
          LocalProcess.freePorts(port > 0 ? 2 : 3, port > 0 ? Set.of(port) : Set.of());
      int plaintextPort = port > 0 ? port : ports.get(2);
      int controllerPort = ports.get(0);
      int securedPort = secured ? ports.get(1) : 0;

      Map<String, String> config = new LinkedHashMap<>();
      config.put("process.roles", "broker,controller");
      config.put("node.id", "1");
      config.put("controller.quorum.voters", "1@localhost:" + controllerPort);
      config.put("controller.listener.names", "CONTROLLER");
      config.put("inter.broker.listener.name", "PLAINTEXT");
      String listeners =
          "PLAINTEXT://localhost:" + plaintextPort + ",CONTROLLER://localhost:" + controllerPort;
      String advertised = "PLAINTEXT://localhost:" + plaintextPort;
      String protocols = "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT";
      Optional<SaslSsl> saslSsl = Optional.empty();
      if (secured) {
        listeners += ",SASL_SSL://localhost:" + securedPort;
        advertised += ",SASL_SSL://localhost:" + securedPort;
        protocols += ",SASL_SSL:SASL_SSL";
        saslSsl = Optional.of(new SaslSsl(securedPort, configureSaslSsl(config)));
      }
      config.put("listeners", listeners);
      config.put("advertised.listeners", advertised);
      config.put("listener.security.protocol.map", protocols);
      config.put("log.dirs", workDir.resolve("data").toString());
      config.put("num.partitions", "1");
      config.put("offsets.topic.replication.factor", "1");
      config.put("offsets.topic.num.partitions", "4");
      config.put("transaction.state.log.replication.factor", "1");
      config.put("transaction.state.log.min.isr", "1");
      config.put("transaction.state.log.num.partitions", "4");
      config.put("group.initial.rebalance.delay.ms", "0");
      config.put("auto.create.topics.enable", "false");
      config.put("log.segment.bytes", Integer.toString(64 * 1024 * 1024));
      Path properties = workDir.resolve("server.properties");
      Files.writeString(properties, render(config), StandardCharsets.UTF_8);
      Path log4j = writeLog4jConfig();

      if (!Files.exists(workDir.resolve("data").resolve("meta.properties"))) {
        List<String> format =
            new ArrayList<>(
                List.of("format", "-t", randomClusterId(), "-c", properties.toString()));
        for (Map.Entry<String, String> user : scramUsers.entrySet()) {
          for (String mechanism : List.of("SCRAM-SHA-256", "SCRAM-SHA-512")) {
            format.add("--add-scram");
            format.add(
                mechanism + "=[name=" + user.getKey() + ",password=" + user.getValue() + "]");
          }
        }
        LocalProcess.run(
            "kafka-storage-format",
            classpath,
            "kafka.tools.StorageTool",
            format,
            workDir.resolve("format.log"));
      }

      SupervisedProcess process =
          SupervisedProcess.start(
              "kafka",
              () ->
                  LocalProcess.start(
                      "kafka",
                      classpath,
                      List.of("-Xms256m", "-Xmx768m", "-Dlog4j2.configurationFile=" + log4j),
                      "kafka.Kafka",
                      List.of(properties.toString()),
                      workDir.resolve("kafka.log")),
              started -> {
                started.awaitLog(STARTED, Duration.ofSeconds(90));
                started.awaitPort(plaintextPort, Duration.ofSeconds(30));
              },
              restartPolicy,
              onRestart);
      return new LocalKafka(process, plaintextPort, saslSsl);
    }

    private Path configureSaslSsl(Map<String, String> config) throws IOException {
      Path keystore = workDir.resolve("broker.p12");
      Path certificate = workDir.resolve("broker-cert.pem");
      String password = "local-stack";
      if (!Files.exists(keystore)) {
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        runTool(
            keytool,
            "-genkeypair",
            "-alias",
            "broker",
            "-keyalg",
            "RSA",
            "-keysize",
            "2048",
            "-validity",
            "3650",
            "-dname",
            "CN=localhost",
            "-ext",
            "SAN=dns:localhost,ip:127.0.0.1",
            "-storetype",
            "PKCS12",
            "-keystore",
            keystore.toString(),
            "-storepass",
            password,
            "-keypass",
            password);
        runTool(
            keytool,
            "-exportcert",
            "-rfc",
            "-alias",
            "broker",
            "-keystore",
            keystore.toString(),
            "-storepass",
            password,
            "-file",
            certificate.toString());
      }
      config.put("listener.name.sasl_ssl.ssl.keystore.type", "PKCS12");
      config.put("listener.name.sasl_ssl.ssl.keystore.location", keystore.toString());
      config.put("listener.name.sasl_ssl.ssl.keystore.password", password);
      config.put("listener.name.sasl_ssl.ssl.key.password", password);
      List<String> mechanisms = new ArrayList<>();
      if (!plainUsers.isEmpty()) {
        mechanisms.add("PLAIN");
        StringBuilder jaas =
            new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required");
        plainUsers.forEach(
            (name, secret) ->
                jaas.append(" user_").append(name).append("=\"").append(secret).append('"'));
        config.put("listener.name.sasl_ssl.plain.sasl.jaas.config", jaas.append(';').toString());
      }
      if (!scramUsers.isEmpty()) {
        for (String mechanism : List.of("SCRAM-SHA-256", "SCRAM-SHA-512")) {
          mechanisms.add(mechanism);
          config.put(
              "listener.name.sasl_ssl." + mechanism.toLowerCase() + ".sasl.jaas.config",
              "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        }
      }
      config.put("sasl.enabled.mechanisms", String.join(",", mechanisms));
      return certificate;
    }

    private Path writeLog4jConfig() throws IOException {
      Path file = workDir.resolve("log4j2.properties");
      Files.writeString(
          file,
          String.join(
              "\n",
              "rootLogger.level = WARN",
              "rootLogger.appenderRef.out.ref = out",
              "appender.out.type = Console",
              "appender.out.name = out",
              "appender.out.layout.type = PatternLayout",
              "appender.out.layout.pattern = %d{HH:mm:ss.SSS} %-5p %c{1} - %m%n",
              "logger.server.name = kafka.server.KafkaRaftServer",
              "logger.server.level = INFO",
              ""),
          StandardCharsets.UTF_8);
      return file;
    }
  }

  private static void runTool(String... command) throws IOException {
    Process tool = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(tool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (tool.waitFor() != 0) {
        throw new IOException(String.join(" ", command) + " failed:\n" + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted", e);
    }
  }

  private static String render(Map<String, String> config) {
    StringBuilder out = new StringBuilder();
    config.forEach((key, value) -> out.append(key).append('=').append(value).append('\n'));
    return out.toString();
  }

  /**
   * A Kafka cluster id: 16 random bytes, URL-safe base64 without padding, not starting with '-'.
   */
  private static String randomClusterId() {
    SecureRandom random = new SecureRandom();
    byte[] bytes = new byte[16];
    String id;
    do {
      random.nextBytes(bytes);
      id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    } while (id.startsWith("-"));
    return id;
  }
}
