package io.floe.testing.aws;

import java.util.Map;

/**
 * A faked AWS service spoken to over the AWS JSON 1.1 protocol: it owns its state, and {@link
 * AwsJsonFakeServer} routes the calls whose {@code X-Amz-Target} starts with its prefix to it.
 */
public interface AwsJsonService {
  /** The part of {@code X-Amz-Target} before the dot, such as {@code secretsmanager}. */
  String targetPrefix();

  /** The operations this fake implements, by name ({@code GetSecretValue}). */
  Map<String, AwsJsonOperation> operations();
}
