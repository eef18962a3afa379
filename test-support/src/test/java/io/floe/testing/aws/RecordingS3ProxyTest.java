package io.floe.testing.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.local.LocalS3;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The local S3 server through its recording front and the real SDK client: the operations Iceberg's
 * S3FileIO and the artifact store use, data kept across a restart, and each request recorded as the
 * IAM action S3 authorizes it as.
 */
class RecordingS3ProxyTest {
  @TempDir static Path dir;
  private static LocalS3 server;
  private static RecordingS3Proxy proxy;
  private static S3Client client;

  @BeforeAll
  static void start() {
    server = LocalS3.start(dir.resolve("s3"));
    proxy = RecordingS3Proxy.start(server.endpoint());
    client =
        S3Client.builder()
            .endpointOverride(proxy.endpoint())
            .forcePathStyle(true)
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("tester", "secret")))
            .httpClient(UrlConnectionHttpClient.create())
            .build();
    server.createBucket("warehouse");
    server.createBucket("artifacts", true);
  }

  @AfterAll
  static void stop() {
    client.close();
    proxy.close();
    server.close();
  }

  @BeforeEach
  void clear() {
    proxy.clear();
  }

  @Test
  void objectsAreWrittenReadByRangeListedInPagesAndDeletedInABatch() {
    for (int i = 0; i < 5; i++) {
      int n = i;
      client.putObject(
          r -> r.bucket("warehouse").key("t/data/f" + n + ".parquet"),
          RequestBody.fromString("content-" + n));
    }
    assertThat(
            new String(
                client
                    .getObjectAsBytes(
                        r -> r.bucket("warehouse").key("t/data/f3.parquet").range("bytes=2-5"))
                    .asByteArray(),
                StandardCharsets.UTF_8))
        .isEqualTo("nten");
    assertThat(
            client.headObject(r -> r.bucket("warehouse").key("t/data/f1.parquet")).contentLength())
        .isEqualTo(9);

    List<String> keys = new ArrayList<>();
    client
        .listObjectsV2Paginator(r -> r.bucket("warehouse").prefix("t/data/").maxKeys(2))
        .contents()
        .forEach(o -> keys.add(o.key()));
    assertThat(keys).hasSize(5).allMatch(k -> k.startsWith("t/data/f"));

    client.deleteObjects(
        r ->
            r.bucket("warehouse")
                .delete(
                    d ->
                        d.objects(
                            ObjectIdentifier.builder().key("t/data/f0.parquet").build(),
                            ObjectIdentifier.builder().key("t/data/f1.parquet").build())));
    assertThat(client.listObjectsV2(r -> r.bucket("warehouse").prefix("t/")).contents())
        .extracting(S3Object::key)
        .hasSize(3);

    List<AwsCall> calls = proxy.calls();
    assertThat(calls).allMatch(c -> c.caller().equals("tester"));
    assertThat(calls)
        .contains(
            new AwsCall("tester", "s3:PutObject", "arn:aws:s3:::warehouse/t/data/f0.parquet"),
            new AwsCall("tester", "s3:GetObject", "arn:aws:s3:::warehouse/t/data/f3.parquet"),
            new AwsCall("tester", "s3:GetObject", "arn:aws:s3:::warehouse/t/data/f1.parquet"),
            new AwsCall(
                "tester",
                "s3:ListBucket",
                "arn:aws:s3:::warehouse",
                Map.of("s3:prefix", "t/data/")),
            new AwsCall("tester", "s3:DeleteObject", "arn:aws:s3:::warehouse/t/data/f0.parquet"),
            new AwsCall("tester", "s3:DeleteObject", "arn:aws:s3:::warehouse/t/data/f1.parquet"));
    assertThat(calls.stream().filter(c -> c.action().equals("s3:ListBucket")).count())
        .as("three pages of two, then the listing after the delete")
        .isEqualTo(4);
  }

  @Test
  void aRangeEndingBeforeItStartsIsIgnoredAsS3Does() {
    client.putObject(r -> r.bucket("warehouse").key("r/range"), RequestBody.fromString("whole"));
    assertThat(
            client
                .getObjectAsBytes(r -> r.bucket("warehouse").key("r/range").range("bytes=3-2"))
                .asUtf8String())
        .isEqualTo("whole");
  }

  @Test
  void aMultipartUploadIsPutObjectAtEveryStep() {
    String key = "t/data/big.parquet";
    String uploadId = client.createMultipartUpload(r -> r.bucket("warehouse").key(key)).uploadId();
    byte[] part1 = new byte[5 * 1024 * 1024];
    java.util.Arrays.fill(part1, (byte) 'a');
    String etag1 =
        client
            .uploadPart(
                r -> r.bucket("warehouse").key(key).uploadId(uploadId).partNumber(1),
                RequestBody.fromBytes(part1))
            .eTag();
    String etag2 =
        client
            .uploadPart(
                r -> r.bucket("warehouse").key(key).uploadId(uploadId).partNumber(2),
                RequestBody.fromString("tail"))
            .eTag();
    client.completeMultipartUpload(
        r ->
            r.bucket("warehouse")
                .key(key)
                .uploadId(uploadId)
                .multipartUpload(
                    m ->
                        m.parts(
                            CompletedPart.builder().partNumber(1).eTag(etag1).build(),
                            CompletedPart.builder().partNumber(2).eTag(etag2).build())));
    assertThat(client.headObject(r -> r.bucket("warehouse").key(key)).contentLength())
        .isEqualTo(part1.length + 4L);

    String aborted = client.createMultipartUpload(r -> r.bucket("warehouse").key("t/x")).uploadId();
    client.abortMultipartUpload(r -> r.bucket("warehouse").key("t/x").uploadId(aborted));

    assertThat(proxy.calls())
        .extracting(AwsCall::action)
        .containsExactly(
            "s3:PutObject",
            "s3:PutObject",
            "s3:PutObject",
            "s3:PutObject",
            "s3:GetObject",
            "s3:PutObject",
            "s3:AbortMultipartUpload");
  }

  @Test
  void aVersionedBucketKeepsEveryVersionAndReadsByVersion() {
    assertThat(client.getBucketVersioning(r -> r.bucket("artifacts")).status())
        .isEqualTo(BucketVersioningStatus.ENABLED);
    String v1 =
        client
            .putObject(
                r -> r.bucket("artifacts").key("loader/a.jar"), RequestBody.fromString("first"))
            .versionId();
    String v2 =
        client
            .putObject(
                r -> r.bucket("artifacts").key("loader/a.jar"), RequestBody.fromString("second"))
            .versionId();
    assertThat(v1).isNotBlank().isNotEqualTo(v2);
    assertThat(read("artifacts", "loader/a.jar", null)).isEqualTo("second");
    assertThat(read("artifacts", "loader/a.jar", v1)).isEqualTo("first");
    assertThat(
            client.listObjectVersions(r -> r.bucket("artifacts").prefix("loader/a.jar")).versions())
        .hasSize(2);
    assertThat(proxy.calls())
        .contains(
            new AwsCall("tester", "s3:GetBucketVersioning", "arn:aws:s3:::artifacts"),
            new AwsCall("tester", "s3:GetObjectVersion", "arn:aws:s3:::artifacts/loader/a.jar"),
            new AwsCall(
                "tester",
                "s3:ListBucketVersions",
                "arn:aws:s3:::artifacts",
                Map.of("s3:prefix", "loader/a.jar")));
  }

  @Test
  void missingKeysAndBucketsAreTypedErrors() {
    assertThatThrownBy(() -> read("warehouse", "missing", null))
        .isInstanceOf(NoSuchKeyException.class);
    assertThatThrownBy(() -> client.headBucket(r -> r.bucket("nope")))
        .isInstanceOf(NoSuchBucketException.class);
  }

  @Test
  void bucketsAndObjectsSurviveARestartOfTheServer() {
    client.putObject(r -> r.bucket("warehouse").key("kept"), RequestBody.fromString("kept"));
    Path data = dir.resolve("restart");
    try (LocalS3 first = LocalS3.start(data)) {
      first.createBucket("survivor");
      S3Client direct = clientOf(first);
      direct.putObject(r -> r.bucket("survivor").key("k"), RequestBody.fromString("still here"));
    }
    try (LocalS3 second = LocalS3.start(data)) {
      S3Client direct = clientOf(second);
      assertThat(direct.getObjectAsBytes(r -> r.bucket("survivor").key("k")).asUtf8String())
          .isEqualTo("still here");
    }
  }

  private static S3Client clientOf(LocalS3 s3) {
    return S3Client.builder()
        .endpointOverride(s3.endpoint())
        .forcePathStyle(true)
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("direct", "secret")))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  private static String read(String bucket, String key, String version) {
    return new String(
        client.getObjectAsBytes(r -> r.bucket(bucket).key(key).versionId(version)).asByteArray(),
        StandardCharsets.UTF_8);
  }
}
