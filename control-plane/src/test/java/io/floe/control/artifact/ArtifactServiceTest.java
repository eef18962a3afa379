package io.floe.control.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.floe.control.model.Artifact;
import io.floe.control.runtime.RuntimeProperties;
import io.floe.local.LocalS3;
import io.floe.testing.aws.RecordingS3Proxy;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectVersion;

/**
 * Loader JARs in the local S3 server, through the real SDK client: stored once per content under
 * their sha256 with the object version recorded, refused over the size limit or when not a JAR.
 */
class ArtifactServiceTest {
  private static final String BUCKET = "floe-artifacts";

  @TempDir static Path dir;
  private static LocalS3 s3;
  private static RecordingS3Proxy proxy;
  private static S3Client client;
  private HikariDataSource dataSource;
  private ArtifactService service;

  @BeforeAll
  static void startS3() {
    s3 = LocalS3.start(dir.resolve("s3"));
    s3.createBucket(BUCKET, true);
    proxy = RecordingS3Proxy.start(s3.endpoint());
    client =
        S3Client.builder()
            .endpointOverride(proxy.endpoint())
            .forcePathStyle(true)
            .region(Region.of(LocalS3.REGION))
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("akid", "secret")))
            .httpClient(UrlConnectionHttpClient.create())
            .build();
  }

  @AfterAll
  static void stopS3() {
    client.close();
    proxy.close();
    s3.close();
  }

  @BeforeEach
  void start() {
    dataSource = new HikariDataSource();
    dataSource.setJdbcUrl(
        "jdbc:h2:mem:"
            + UUID.randomUUID()
            + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1");
    Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
    proxy.clear();
    service = service(4096);
  }

  @AfterEach
  void stop() {
    dataSource.close();
  }

  private ArtifactService service(long maxBytes) {
    StaticListableBeanFactory beans =
        new StaticListableBeanFactory(Map.of("bucket", new ArtifactBucket(client, BUCKET)));
    RuntimeProperties properties =
        new RuntimeProperties(
            "managed-flink",
            null,
            null,
            Duration.ofSeconds(30),
            new RuntimeProperties.ManagedFlink(
                "us-east-1",
                null,
                proxy.endpoint(),
                "arn:aws:iam::123456789012:role/floe-loader",
                BUCKET,
                10,
                64,
                1,
                false,
                null,
                "floe-",
                Duration.ofSeconds(20),
                null));
    return new ArtifactService(
        new ArtifactStore(JdbcClient.create(dataSource)),
        beans.getBeanProvider(ArtifactBucket.class),
        properties.managedFlink() == null
            ? Optional.empty()
            : Optional.ofNullable(properties.loaderJar()),
        Clock.systemUTC(),
        maxBytes);
  }

  @Test
  void aJarIsStoredOnceUnderItsSha256WithItsObjectVersion() throws IOException {
    byte[] jar = jar("v1");

    Artifact first = service.upload(new ByteArrayInputStream(jar), "loader.jar", "upload");
    Artifact again = service.upload(new ByteArrayInputStream(jar), "copy.jar", "upload");

    assertThat(first.key()).isEqualTo("loader/" + first.sha256() + ".jar");
    assertThat(first.versionId()).isPresent();
    assertThat(again).isEqualTo(first);
    assertThat(client.listObjectVersions(r -> r.bucket(BUCKET).prefix(first.key())).versions())
        .singleElement()
        .extracting(ObjectVersion::versionId)
        .isEqualTo(first.versionId().get());
    assertThat(
            client
                .getObjectAsBytes(
                    r -> r.bucket(BUCKET).key(first.key()).versionId(first.versionId().get()))
                .asByteArray())
        .isEqualTo(jar);
    assertThat(service.resolve(Optional.of(first.id()))).contains(first);
  }

  @Test
  void aJarOverTheLimitIsRefusedAndNothingIsStored() throws IOException {
    byte[] big = new byte[5000];
    byte[] jar = jar("v1");
    System.arraycopy(jar, 0, big, 0, jar.length);

    assertThatThrownBy(() -> service.upload(new ByteArrayInputStream(big), "big.jar", "upload"))
        .isInstanceOfSatisfying(
            ArtifactException.class,
            e -> assertThat(e.kind()).isEqualTo(ArtifactException.Kind.TOO_LARGE));
    assertThat(service.list()).isEmpty();
    assertThat(proxy.calls()).isEmpty();
    assertThat(ArtifactService.MAX_BYTES).isEqualTo(512L * 1024 * 1024);
  }

  @Test
  void somethingElseThanAJarIsRefused() {
    byte[] text = "not a jar".getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> service.upload(new ByteArrayInputStream(text), "a.txt", "upload"))
        .isInstanceOfSatisfying(
            ArtifactException.class,
            e -> assertThat(e.kind()).isEqualTo(ArtifactException.Kind.NOT_A_JAR));
    assertThat(service.list()).isEmpty();
  }

  private static byte[] jar(String marker) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      zip.putNextEntry(new ZipEntry("META-INF/MANIFEST.MF"));
      zip.write(
          ("Manifest-Version: 1.0\nMarker: " + marker + "\n").getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
    }
    return bytes.toByteArray();
  }
}
