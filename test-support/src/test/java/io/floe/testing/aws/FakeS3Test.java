package io.floe.testing.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/** The S3 fake through the real SDK client: versioned writes and reads by version. */
class FakeS3Test {
  @TempDir static Path dir;
  private static FakeS3 s3;
  private static S3Client client;

  @BeforeAll
  static void start() {
    s3 = FakeS3.start(dir.resolve("blobs"));
    client =
        S3Client.builder()
            .endpointOverride(s3.endpoint())
            .forcePathStyle(true)
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("akid", "secret")))
            .httpClient(UrlConnectionHttpClient.create())
            .build();
  }

  @AfterAll
  static void stop() {
    client.close();
    s3.close();
  }

  @Test
  void everyWriteToAVersionedBucketIsANewVersion() throws Exception {
    client.createBucket(r -> r.bucket("versioned"));
    client.putBucketVersioning(
        r ->
            r.bucket("versioned")
                .versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
    assertThat(client.getBucketVersioning(r -> r.bucket("versioned")).status())
        .isEqualTo(BucketVersioningStatus.ENABLED);
    Path file = dir.resolve("one.jar");
    Files.writeString(file, "first");
    String v1 =
        client
            .putObject(r -> r.bucket("versioned").key("loader/a.jar"), RequestBody.fromFile(file))
            .versionId();
    String v2 =
        client
            .putObject(
                r -> r.bucket("versioned").key("loader/a.jar"), RequestBody.fromString("second"))
            .versionId();
    assertThat(v1).isNotBlank().isNotEqualTo(v2);
    assertThat(read("versioned", "loader/a.jar", null)).isEqualTo("second");
    assertThat(read("versioned", "loader/a.jar", v1)).isEqualTo("first");
    assertThat(
            client
                .headObject(r -> r.bucket("versioned").key("loader/a.jar").versionId(v1))
                .contentLength())
        .isEqualTo(5);
    assertThat(s3.versions("versioned", "loader/a.jar")).hasSize(2);
  }

  @Test
  void missingKeysAndBucketsAreTypedErrors() {
    client.createBucket(r -> r.bucket("plain"));
    assertThat(
            client
                .putObject(r -> r.bucket("plain").key("k"), RequestBody.fromString("x"))
                .versionId())
        .isNull();
    assertThatThrownBy(() -> read("plain", "missing", null)).isInstanceOf(NoSuchKeyException.class);
    assertThatThrownBy(() -> client.headBucket(r -> r.bucket("nope")))
        .isInstanceOf(NoSuchBucketException.class);
  }

  private static String read(String bucket, String key, String version) {
    return new String(
        client.getObjectAsBytes(r -> r.bucket(bucket).key(key).versionId(version)).asByteArray(),
        StandardCharsets.UTF_8);
  }
}
