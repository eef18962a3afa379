package io.floe.testing.aws;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The request document of one call, read member by member the way an AWS service validates it: a
 * missing required member is a {@code ValidationException}, a member of the wrong JSON type a
 * {@code SerializationException}.
 */
public final class AwsJsonInput {
  /** The caller of a request that was not signed. */
  public static final String ANONYMOUS = "anonymous";

  private final String operation;
  private final ObjectNode json;
  private final String caller;

  public AwsJsonInput(String operation, ObjectNode json) {
    this(operation, json, ANONYMOUS);
  }

  /**
   * @param caller the access key id the request was signed with, {@link #ANONYMOUS} if unsigned
   */
  public AwsJsonInput(String operation, ObjectNode json, String caller) {
    this.operation = requireNonNull(operation, "operation is null");
    this.json = requireNonNull(json, "json is null").deepCopy();
    this.caller = requireNonNull(caller, "caller is null");
  }

  public String operation() {
    return operation;
  }

  /** The access key id of the request's SigV4 credential, as IAM sees the caller. */
  public String caller() {
    return caller;
  }

  /** A copy of the whole document, for members the readers below do not cover. */
  public ObjectNode json() {
    return json.deepCopy();
  }

  public boolean has(String member) {
    JsonNode node = json.get(member);
    return node != null && !node.isNull();
  }

  public String requiredText(String member) {
    return optionalText(member)
        .orElseThrow(
            () ->
                new AwsJsonError(
                    "ValidationException",
                    "1 validation error detected: Value null at '"
                        + lowerCamel(member)
                        + "' failed to satisfy constraint: Member must not be null"));
  }

  public Optional<String> optionalText(String member) {
    return present(member, "a string", JsonNode::isTextual).map(JsonNode::asText);
  }

  public Optional<Boolean> optionalBoolean(String member) {
    return present(member, "a boolean", JsonNode::isBoolean).map(JsonNode::asBoolean);
  }

  public Optional<Long> optionalLong(String member) {
    return present(member, "an integer", JsonNode::canConvertToLong).map(JsonNode::asLong);
  }

  public Optional<List<String>> optionalTextList(String member) {
    return present(member, "a list", JsonNode::isArray)
        .map(
            array -> {
              List<String> values = new ArrayList<>();
              for (JsonNode element : array) {
                if (!element.isTextual()) {
                  throw serializationError(member, "a list of strings");
                }
                values.add(element.asText());
              }
              return List.copyOf(values);
            });
  }

  private Optional<JsonNode> present(
      String member, String expected, Predicate<JsonNode> isExpectedType) {
    JsonNode node = json.get(member);
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!isExpectedType.test(node)) {
      throw serializationError(member, expected);
    }
    return Optional.of(node);
  }

  private static AwsJsonError serializationError(String member, String expected) {
    return new AwsJsonError("SerializationException", "member " + member + " is not " + expected);
  }

  private static String lowerCamel(String member) {
    return member.isEmpty()
        ? member
        : Character.toLowerCase(member.charAt(0)) + member.substring(1);
  }
}
