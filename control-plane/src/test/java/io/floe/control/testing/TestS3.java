package io.floe.control.testing;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** SDK clients of the local S3 server for tests: path-style, signed with a given access key. */
public final class TestS3 {
  private TestS3() {}

  /** A client signing with {@code accessKeyId} (the server accepts any secret). */
  public static S3Client client(URI endpoint, String accessKeyId) {
    return S3Client.builder()
        .endpointOverride(endpoint)
        .forcePathStyle(true)
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, "secret")))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }
}
