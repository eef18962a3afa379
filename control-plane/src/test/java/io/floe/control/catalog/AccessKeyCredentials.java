package io.floe.control.catalog;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * Credentials with the access key id a test names, for an Iceberg catalog opened by the test itself
 * ({@code client.credentials-provider} with {@code client.credentials-provider.access-key-id}), so
 * that the fakes can tell its calls from the control plane's and the loader's.
 */
public final class AccessKeyCredentials implements AwsCredentialsProvider {
  static final String ACCESS_KEY_ID = "access-key-id";

  private final AwsCredentials credentials;

  private AccessKeyCredentials(String accessKeyId) {
    this.credentials =
        AwsBasicCredentials.create(
            requireNonNull(accessKeyId, "access-key-id is null"), "test-secret");
  }

  /** Called by Iceberg's AWS client factory with the {@code client.credentials-provider.*} keys. */
  public static AccessKeyCredentials create(Map<String, String> properties) {
    return new AccessKeyCredentials(properties.get(ACCESS_KEY_ID));
  }

  @Override
  public AwsCredentials resolveCredentials() {
    return credentials;
  }
}
