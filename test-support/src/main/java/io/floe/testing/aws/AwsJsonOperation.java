package io.floe.testing.aws;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** One operation of a faked AWS JSON service, such as Secrets Manager's {@code GetSecretValue}. */
@FunctionalInterface
public interface AwsJsonOperation {
  /**
   * Handles one call.
   *
   * @return the response document
   * @throws AwsJsonError for the errors the real service documents
   */
  ObjectNode handle(AwsJsonInput input);
}
