package io.floe.testing.aws;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * One AWS call as IAM would authorize it: who made it (the access key id it was signed with), the
 * IAM action and the resource ARN it acts on, and the condition keys IAM would see (such as {@code
 * s3:prefix} for a listing). Fakes and the S3 server's recording front record these, so that a test
 * can check every call against a policy document.
 *
 * @param caller the access key id of the request's SigV4 credential, {@code "anonymous"} if
 *     unsigned
 * @param action the IAM action, such as {@code s3:GetObject} or {@code glue:UpdateTable}
 * @param resource the ARN of the resource, such as {@code arn:aws:s3:::bucket/key}
 * @param conditions condition keys and their values, such as {@code s3:prefix}
 */
public record AwsCall(
    String caller, String action, String resource, Map<String, String> conditions) {
  public AwsCall {
    requireNonNull(caller, "caller is null");
    requireNonNull(action, "action is null");
    requireNonNull(resource, "resource is null");
    conditions = Map.copyOf(requireNonNull(conditions, "conditions is null"));
  }

  public AwsCall(String caller, String action, String resource) {
    this(caller, action, resource, Map.of());
  }
}
