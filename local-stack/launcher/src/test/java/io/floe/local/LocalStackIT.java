package io.floe.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
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
    try (LocalFlinkCluster flink =
        LocalFlinkCluster.builder(dir.resolve("flink"))
            .taskSlots(2)
            .taskManagerMemory("1536m")
            .start()) {
      assertThat(get(flink.restUrl().resolve("/overview"))).contains("\"slots-total\":2");
      flink.killTaskManager();
      flink.startTaskManager();
      assertThat(get(flink.restUrl().resolve("/jars"))).contains("\"files\"");
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
