package io.floe.testing.aws;

import static java.util.Objects.requireNonNull;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * The calls a fake received, as IAM authorizes them: kept by the fake as it serves them, read by
 * tests that check them against a policy ({@link IamPolicyCheck}).
 */
public final class AwsCallLog {
  private final List<AwsCall> calls = new CopyOnWriteArrayList<>();

  public void add(AwsCall call) {
    calls.add(requireNonNull(call, "call is null"));
  }

  public void addAll(Collection<AwsCall> more) {
    more.forEach(this::add);
  }

  /** Every call so far, oldest first. */
  public List<AwsCall> calls() {
    return List.copyOf(calls);
  }

  public void clear() {
    calls.clear();
  }

  /**
   * The operations, each recording the calls {@code authorize} names for its input before it runs
   * (calls answered with an error included, as IAM authorizes a call before the service acts).
   */
  public Map<String, AwsJsonOperation> recording(
      Map<String, AwsJsonOperation> operations, Function<AwsJsonInput, List<AwsCall>> authorize) {
    Map<String, AwsJsonOperation> recording = new LinkedHashMap<>();
    operations.forEach(
        (name, operation) ->
            recording.put(
                name,
                input -> {
                  addAll(authorize.apply(input));
                  return operation.handle(input);
                }));
    return Map.copyOf(recording);
  }
}
