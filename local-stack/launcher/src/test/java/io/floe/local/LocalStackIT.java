package io.floe.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStackIT {
  @TempDir Path dir;

  @Test
  void kafkaServesPlaintextAndSaslSslWithPlainAndScram() throws Exception {
    try (LocalKafka kafka =
        LocalKafka.builder(dir.resolve("kafka"))
            .plainUser("alice", "alice-secret")
            .scramUser("bob", "bob-secret")
            .start()) {
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
        admin.createTopics(List.of(new NewTopic("greetings", 2, (short) 1))).all().get();
      }
      send(plaintext(kafka), "hello");
      send(
          sasl(kafka, "PLAIN", "org.apache.kafka.common.security.plain.PlainLoginModule", "alice"),
          "from alice");
      send(
          sasl(
              kafka,
              "SCRAM-SHA-512",
              "org.apache.kafka.common.security.scram.ScramLoginModule",
              "bob"),
          "from bob");

      Properties consumer = plaintext(kafka);
      consumer.put("group.id", "test");
      consumer.put("auto.offset.reset", "earliest");
      try (KafkaConsumer<String, String> c =
          new KafkaConsumer<>(consumer, new StringDeserializer(), new StringDeserializer())) {
        c.subscribe(Set.of("greetings"));
        List<String> seen = new java.util.ArrayList<>();
        long deadline = System.currentTimeMillis() + 30_000;
        while (seen.size() < 3 && System.currentTimeMillis() < deadline) {
          ConsumerRecords<String, String> records = c.poll(Duration.ofMillis(500));
          records.forEach(r -> seen.add(r.value()));
        }
        assertThat(seen).containsExactlyInAnyOrder("hello", "from alice", "from bob");
      }
    }
  }

  @Test
  void flinkClusterServesRestAndSurvivesATaskManagerKill() throws Exception {
    BlockingQueue<ProcessRestart> restarts = new LinkedBlockingQueue<>();
    try (LocalFlinkCluster flink =
        LocalFlinkCluster.builder(dir.resolve("flink"))
            .taskSlots(2)
            .taskManagerMemory("1536m")
            .onRestart(restarts::add)
            .start()) {
      assertThat(get(flink.restUrl().resolve("/overview"))).contains("\"slots-total\":2");
      long killed = flink.taskManagerPid();
      flink.killTaskManager();
      assertThat(ProcessHandle.of(killed).map(ProcessHandle::isAlive))
          .isNotEqualTo(Optional.of(true));
      // Killed on purpose: not restarted by supervision, so this start is the only one.
      flink.startTaskManager();
      assertThat(flink.taskManagerPid()).isNotEqualTo(killed);
      assertThat(restarts).isEmpty();
      assertThat(get(flink.restUrl().resolve("/jars"))).contains("\"files\"");
    }
  }

  @Test
  void aTaskManagerKilledFromOutsideComesBackAndOffersItsSlots() throws Exception {
    BlockingQueue<ProcessRestart> restarts = new LinkedBlockingQueue<>();
    try (LocalFlinkCluster flink =
        LocalFlinkCluster.builder(dir.resolve("flink"))
            .taskSlots(2)
            .taskManagerMemory("1536m")
            .onRestart(restarts::add)
            .start()) {
      long jobManager = flink.jobManagerPid();
      long killed = flink.taskManagerPid();
      List<String> before = taskManagerIds(flink);
      assertThat(before).hasSize(1);

      kill9(killed);

      ProcessRestart restart = restarts.poll(2, TimeUnit.MINUTES);
      assertThat(restart).as("a restart within 2 minutes").isNotNull();
      assertThat(restart.process()).isEqualTo("taskmanager");
      assertThat(restart.exitedPid()).isEqualTo(killed);
      assertThat(restart.exitCode()).isEqualTo(137);
      assertThat(restart.attempt()).isEqualTo(1);
      assertThat(restart.pid()).isEqualTo(flink.taskManagerPid()).isNotEqualTo(killed);
      // The JobManager drops the dead TaskManager after the heartbeat timeout; then only the new
      // one is left, with all the slots.
      List<String> after =
          await(
              "only the new TaskManager registered",
              () -> taskManagerIds(flink),
              ids -> ids.size() == 1 && !ids.equals(before));
      assertThat(after).doesNotContainAnyElementsOf(before);
      // A TaskManager registers first and offers its slots after: wait for the slots themselves.
      await(
          "the new TaskManager's 2 slots",
          () -> overview(flink),
          overview -> overview.contains("\"slots-total\":2"));
      assertThat(flink.jobManagerPid()).isEqualTo(jobManager);
      assertThat(restarts).isEmpty();
    }
  }

  @Test
  void aJobManagerKilledFromOutsideComesBackOnItsPortAndTheTaskManagerRegistersAgain()
      throws Exception {
    BlockingQueue<ProcessRestart> restarts = new LinkedBlockingQueue<>();
    try (LocalFlinkCluster flink =
        LocalFlinkCluster.builder(dir.resolve("flink"))
            .taskSlots(2)
            .taskManagerMemory("1536m")
            .onRestart(restarts::add)
            .start()) {
      URI rest = flink.restUrl();
      long taskManager = flink.taskManagerPid();
      long killed = flink.jobManagerPid();

      kill9(killed);

      ProcessRestart restart = restarts.poll(2, TimeUnit.MINUTES);
      assertThat(restart).as("a restart within 2 minutes").isNotNull();
      assertThat(restart.process()).isEqualTo("jobmanager");
      assertThat(restart.exitedPid()).isEqualTo(killed);
      assertThat(restart.exitCode()).isEqualTo(137);
      assertThat(restart.pid()).isEqualTo(flink.jobManagerPid()).isNotEqualTo(killed);
      assertThat(flink.restUrl()).isEqualTo(rest);
      flink.awaitTaskManagers(1, Duration.ofMinutes(2));
      assertThat(get(rest.resolve("/overview")))
          .contains("\"taskmanagers\":1")
          .contains("\"slots-total\":2");
      assertThat(flink.taskManagerPid()).as("the same TaskManager").isEqualTo(taskManager);
      assertThat(restarts).isEmpty();
    }
  }

  @Test
  void aKafkaBrokerKilledFromOutsideComesBackOnItsPortWithItsTopicsAndData() throws Exception {
    BlockingQueue<ProcessRestart> restarts = new LinkedBlockingQueue<>();
    try (LocalKafka kafka =
        LocalKafka.builder(dir.resolve("kafka")).onRestart(restarts::add).start()) {
      String servers = kafka.bootstrapServers();
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", servers))) {
        admin.createTopics(List.of(new NewTopic("greetings", 2, (short) 1))).all().get();
      }
      List<String> sent = new ArrayList<>();
      Properties producer = plaintext(kafka);
      producer.put("acks", "all");
      try (KafkaProducer<String, String> p =
          new KafkaProducer<>(producer, new StringSerializer(), new StringSerializer())) {
        for (int i = 0; i < 100; i++) {
          sent.add("before " + i);
          p.send(new ProducerRecord<>("greetings", "before " + i));
        }
        p.flush();
      }
      long killed = kafka.pid();

      kill9(killed);

      ProcessRestart restart = restarts.poll(2, TimeUnit.MINUTES);
      assertThat(restart).as("a restart within 2 minutes").isNotNull();
      assertThat(restart.process()).isEqualTo("kafka");
      assertThat(restart.exitedPid()).isEqualTo(killed);
      assertThat(restart.exitCode()).isEqualTo(137);
      assertThat(restart.pid()).isEqualTo(kafka.pid()).isNotEqualTo(killed);
      assertThat(kafka.bootstrapServers()).isEqualTo(servers);
      assertThat(kafka.isRunning()).isTrue();
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", servers))) {
        assertThat(admin.listTopics().names().get(1, TimeUnit.MINUTES)).contains("greetings");
      }
      send(plaintext(kafka), "after");
      sent.add("after");

      assertThat(consumeAll(kafka, sent.size())).containsExactlyInAnyOrderElementsOf(sent);
      assertThat(restarts).isEmpty();
    }
  }

  private static List<String> consumeAll(LocalKafka kafka, int expected) {
    Properties consumer = plaintext(kafka);
    consumer.put("group.id", "after-restart");
    consumer.put("auto.offset.reset", "earliest");
    List<String> seen = new ArrayList<>();
    try (KafkaConsumer<String, String> c =
        new KafkaConsumer<>(consumer, new StringDeserializer(), new StringDeserializer())) {
      c.subscribe(Set.of("greetings"));
      Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
      while (seen.size() < expected && Instant.now().isBefore(deadline)) {
        c.poll(Duration.ofMillis(500)).forEach(r -> seen.add(r.value()));
      }
    }
    return seen;
  }

  /** Kills the process with SIGKILL from outside the launcher, as a crash or an operator would. */
  private static void kill9(long pid) {
    ProcessHandle process = ProcessHandle.of(pid).orElseThrow();
    assertThat(process.destroyForcibly()).as("kill -9 " + pid).isTrue();
  }

  private static final Pattern TASK_MANAGER_ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");

  /** The ids of the TaskManagers the JobManager lists. */
  private static List<String> taskManagerIds(LocalFlinkCluster flink) {
    try {
      Matcher m = TASK_MANAGER_ID.matcher(get(flink.restUrl().resolve("/taskmanagers")));
      List<String> ids = new ArrayList<>();
      while (m.find()) {
        ids.add(m.group(1));
      }
      return ids;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static <T> T await(String what, Supplier<T> value, Predicate<T> condition) {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
    T last = value.get();
    while (!condition.test(last)) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("Timed out waiting for " + what + "; last: " + last);
      }
      LocalProcess.sleep(Duration.ofMillis(250));
      last = value.get();
    }
    return last;
  }

  private static String overview(LocalFlinkCluster flink) {
    try {
      return get(flink.restUrl().resolve("/overview"));
    } catch (Exception e) {
      throw new IllegalStateException("could not read the cluster's overview", e);
    }
  }

  private static String get(URI uri) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  private static Properties plaintext(LocalKafka kafka) {
    Properties props = new Properties();
    props.put("bootstrap.servers", kafka.bootstrapServers());
    return props;
  }

  private static Properties sasl(LocalKafka kafka, String mechanism, String module, String user) {
    LocalKafka.SaslSsl listener = kafka.saslSsl().orElseThrow();
    Properties props = new Properties();
    props.put("bootstrap.servers", listener.bootstrapServers());
    props.put("security.protocol", "SASL_SSL");
    props.put("sasl.mechanism", mechanism);
    props.put(
        "sasl.jaas.config",
        module + " required username=\"" + user + "\" password=\"" + user + "-secret\";");
    props.put("ssl.truststore.type", "PEM");
    props.put("ssl.truststore.location", listener.trustedCertificate().toString());
    return props;
  }

  private static void send(Properties props, String value) throws Exception {
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>("greetings", value)).get();
    }
  }
}
