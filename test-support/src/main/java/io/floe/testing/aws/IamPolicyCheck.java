package io.floe.testing.aws;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Evaluates an IAM identity policy document against recorded {@link AwsCall}s the way IAM does for
 * the parts Floe's policies use, so that a test can prove a policy both sufficient (every call
 * allowed) and least (every grant used): {@code Allow} and {@code Deny} statements, {@code Action}
 * and {@code Resource} with {@code *} and {@code ?} wildcards (actions case-insensitive), and the
 * {@code StringEquals} and {@code StringLike} condition operators (a key the call does not carry
 * fails the condition, as in IAM). Any other element or operator is rejected rather than guessed.
 */
public final class IamPolicyCheck {
  /** One action or one resource a statement grants, and the statement it is in. */
  public record Grant(String statement, String element, String value) {}

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final List<Statement> statements;

  private IamPolicyCheck(List<Statement> statements) {
    this.statements = List.copyOf(statements);
  }

  /** Reads a policy document given as JSON text. */
  public static IamPolicyCheck of(String json) {
    try {
      return of(MAPPER.readTree(json));
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("the policy is not JSON: " + e.getMessage(), e);
    }
  }

  /** Reads a policy document given as the maps and lists an API answer decodes to. */
  public static IamPolicyCheck of(Map<String, ?> document) {
    return of((JsonNode) MAPPER.valueToTree(document));
  }

  /** Reads a policy document. */
  public static IamPolicyCheck of(JsonNode document) {
    requireNonNull(document, "document is null");
    JsonNode statement = document.get("Statement");
    if (statement == null) {
      throw new IllegalArgumentException("the policy has no Statement");
    }
    List<Statement> statements = new ArrayList<>();
    for (JsonNode node : statement.isArray() ? statement : List.of(statement)) {
      statements.add(Statement.read(node, statements.size()));
    }
    return new IamPolicyCheck(statements);
  }

  /** Whether the policy allows the call: an Allow statement matches it and no Deny does. */
  public boolean allows(AwsCall call) {
    requireNonNull(call, "call is null");
    boolean allowed = false;
    for (Statement statement : statements) {
      if (statement.matches(call)) {
        if (!statement.allow) {
          return false;
        }
        allowed = true;
      }
    }
    return allowed;
  }

  /** The calls the policy does not allow, in the order given. */
  public List<AwsCall> denied(Collection<AwsCall> calls) {
    return calls.stream().filter(call -> !allows(call)).toList();
  }

  /**
   * The actions and resources of Allow statements that no allowed call used through that statement:
   * what the policy grants beyond what the calls needed.
   */
  public List<Grant> unused(Collection<AwsCall> calls) {
    List<Grant> unused = new ArrayList<>();
    for (Statement statement : statements) {
      if (!statement.allow) {
        continue;
      }
      List<AwsCall> through =
          calls.stream().filter(call -> statement.matches(call) && allows(call)).toList();
      for (String action : statement.actions) {
        if (through.stream().noneMatch(call -> matches(action, call.action(), true))) {
          unused.add(new Grant(statement.sid, "Action", action));
        }
      }
      for (String resource : statement.resources) {
        if (through.stream().noneMatch(call -> matches(resource, call.resource(), false))) {
          unused.add(new Grant(statement.sid, "Resource", resource));
        }
      }
    }
    return unused;
  }

  private static boolean matches(String pattern, String value, boolean ignoreCase) {
    StringBuilder regex = new StringBuilder();
    for (char c : pattern.toCharArray()) {
      if (c == '*') {
        regex.append(".*");
      } else if (c == '?') {
        regex.append('.');
      } else {
        regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    int flags = Pattern.DOTALL | (ignoreCase ? Pattern.CASE_INSENSITIVE : 0);
    return Pattern.compile(regex.toString(), flags).matcher(value).matches();
  }

  /** One statement, read strictly. */
  private record Statement(
      String sid,
      boolean allow,
      List<String> actions,
      List<String> resources,
      Map<String, Map<String, List<String>>> conditions) {
    static Statement read(JsonNode node, int index) {
      String sid = Optional.ofNullable(node.get("Sid")).map(JsonNode::asText).orElse("#" + index);
      for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        if (!List.of("Sid", "Effect", "Action", "Resource", "Condition").contains(name)) {
          throw new IllegalArgumentException(
              "statement " + sid + ": " + name + " is not supported by this check");
        }
      }
      String effect = text(node, "Effect", sid);
      if (!effect.equals("Allow") && !effect.equals("Deny")) {
        throw new IllegalArgumentException("statement " + sid + ": Effect " + effect);
      }
      Map<String, Map<String, List<String>>> conditions = new LinkedHashMap<>();
      JsonNode condition = node.get("Condition");
      if (condition != null) {
        condition
            .fields()
            .forEachRemaining(
                operator -> {
                  if (!List.of("StringEquals", "StringLike").contains(operator.getKey())) {
                    throw new IllegalArgumentException(
                        "statement "
                            + sid
                            + ": condition operator "
                            + operator.getKey()
                            + " is not supported by this check");
                  }
                  Map<String, List<String>> keys = new LinkedHashMap<>();
                  operator
                      .getValue()
                      .fields()
                      .forEachRemaining(key -> keys.put(key.getKey(), strings(key.getValue())));
                  conditions.put(operator.getKey(), keys);
                });
      }
      return new Statement(
          sid,
          effect.equals("Allow"),
          strings(required(node, "Action", sid)),
          strings(required(node, "Resource", sid)),
          conditions);
    }

    boolean matches(AwsCall call) {
      return actions.stream()
              .anyMatch(action -> IamPolicyCheck.matches(action, call.action(), true))
          && resources.stream()
              .anyMatch(resource -> IamPolicyCheck.matches(resource, call.resource(), false))
          && conditionsHold(call);
    }

    private boolean conditionsHold(AwsCall call) {
      for (Map.Entry<String, Map<String, List<String>>> operator : conditions.entrySet()) {
        boolean like = operator.getKey().equals("StringLike");
        for (Map.Entry<String, List<String>> key : operator.getValue().entrySet()) {
          // Condition key names are case-insensitive in IAM; their values are not.
          String value =
              call.conditions().entrySet().stream()
                  .filter(entry -> entry.getKey().equalsIgnoreCase(key.getKey()))
                  .map(Map.Entry::getValue)
                  .findFirst()
                  .orElse(null);
          if (value == null
              || key.getValue().stream()
                  .noneMatch(
                      expected ->
                          like
                              ? IamPolicyCheck.matches(expected, value, false)
                              : expected.equals(value))) {
            return false;
          }
        }
      }
      return true;
    }

    private static JsonNode required(JsonNode node, String name, String sid) {
      JsonNode value = node.get(name);
      if (value == null) {
        throw new IllegalArgumentException("statement " + sid + " has no " + name);
      }
      return value;
    }

    private static String text(JsonNode node, String name, String sid) {
      return required(node, name, sid).asText();
    }

    private static List<String> strings(JsonNode node) {
      List<String> values = new ArrayList<>();
      for (JsonNode value : node.isArray() ? node : List.of(node)) {
        values.add(value.asText());
      }
      return List.copyOf(values);
    }
  }
}
