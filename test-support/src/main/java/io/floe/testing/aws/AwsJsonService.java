package io.floe.testing.aws;

import java.util.List;
import java.util.Locale;
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

  /**
   * The call as IAM authorizes it: its action and each resource IAM checks it against. By default
   * {@code <targetPrefix>:<operation>} on {@code *}; fakes of services with resource-level
   * permissions say which resources a call names.
   */
  default List<AwsCall> authorizedAs(String caller, AwsJsonInput input) {
    return List.of(
        new AwsCall(
            caller, targetPrefix().toLowerCase(Locale.ROOT) + ":" + input.operation(), "*"));
  }
}
