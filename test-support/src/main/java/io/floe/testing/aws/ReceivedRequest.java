package io.floe.testing.aws;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Optional;

/**
 * One call a fake received and how it answered, so that tests can assert on what was asked of the
 * AWS API and not only on the state that resulted.
 *
 * @param target the full {@code X-Amz-Target}, such as {@code secretsmanager.GetSecretValue}
 * @param operation the operation name, such as {@code GetSecretValue}
 * @param body the request document (a copy; empty when the body was not a JSON object)
 * @param region the region the request was signed for, from its SigV4 credential scope
 * @param receivedAt when the request arrived
 * @param httpStatus the status the fake answered with
 * @param errorType the error code when the fake answered with an error
 */
public record ReceivedRequest(
    String target,
    String operation,
    ObjectNode body,
    Optional<String> region,
    Instant receivedAt,
    int httpStatus,
    Optional<String> errorType) {
  public ReceivedRequest {
    requireNonNull(target, "target is null");
    requireNonNull(operation, "operation is null");
    body = requireNonNull(body, "body is null").deepCopy();
    requireNonNull(region, "region is null");
    requireNonNull(receivedAt, "receivedAt is null");
    requireNonNull(errorType, "errorType is null");
  }

  /** The body's text member, such as {@code SecretId}. */
  public Optional<String> text(String member) {
    return Optional.ofNullable(body.get(member)).filter(JsonNode::isTextual).map(JsonNode::asText);
  }

  @Override
  public ObjectNode body() {
    return body.deepCopy();
  }
}
