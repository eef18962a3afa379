package io.floe.control.deadletter;

import io.floe.control.model.FieldProblem;
import io.floe.control.model.InvalidPipelineException;
import io.floe.loader.parse.BadMessageException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Which dead letters a redrive loads, validated: kept in the operation's parameters as text, so a
 * control plane that restarts mid-redrive goes on with the same range.
 */
record RedriveFilter(
    String pipeline,
    Optional<Instant> from,
    Optional<Instant> to,
    Set<String> errorClasses,
    Optional<String> sourceTopic,
    Optional<Integer> sourcePartition,
    Optional<Long> fromOffset,
    Optional<Long> toOffset,
    boolean dryRun) {
  private static final String FROM = "from";
  private static final String TO = "to";
  private static final String ERROR_CLASSES = "errorClasses";
  private static final String SOURCE_TOPIC = "sourceTopic";
  private static final String SOURCE_PARTITION = "sourcePartition";
  private static final String FROM_OFFSET = "fromOffset";
  private static final String TO_OFFSET = "toOffset";
  private static final String DRY_RUN = "dryRun";

  RedriveFilter {
    errorClasses = Set.copyOf(errorClasses);
  }

  /**
   * The request, checked.
   *
   * @throws InvalidPipelineException naming each field that is wrong
   */
  static RedriveFilter of(String pipeline, RedriveRequest request) {
    RedriveRequest given =
        request == null
            ? new RedriveRequest(null, null, null, null, null, null, null, null)
            : request;
    List<FieldProblem> problems = new ArrayList<>();
    Set<String> known =
        Arrays.stream(BadMessageException.Reason.values())
            .map(Enum::name)
            .collect(Collectors.toCollection(TreeSet::new));
    Set<String> classes = new TreeSet<>();
    List<String> asked = given.errorClasses() == null ? List.of() : given.errorClasses();
    for (int i = 0; i < asked.size(); i++) {
      String name = asked.get(i);
      if (name == null || !known.contains(name)) {
        problems.add(
            new FieldProblem(
                ERROR_CLASSES + "[" + i + "]",
                "'" + name + "' is not an error class; one of " + String.join(", ", known)));
      } else {
        classes.add(name);
      }
    }
    if (given.from() != null && given.to() != null && !given.from().isBefore(given.to())) {
      problems.add(new FieldProblem(TO, "must be after from"));
    }
    if (given.sourcePartition() != null && given.sourcePartition() < 0) {
      problems.add(new FieldProblem(SOURCE_PARTITION, "must be 0 or more"));
    }
    for (Map.Entry<String, Long> offset :
        Map.of(FROM_OFFSET, nullable(given.fromOffset()), TO_OFFSET, nullable(given.toOffset()))
            .entrySet()) {
      if (offset.getValue() == Long.MIN_VALUE) {
        continue;
      }
      if (given.sourcePartition() == null) {
        problems.add(new FieldProblem(offset.getKey(), "needs sourcePartition"));
      } else if (offset.getValue() < 0) {
        problems.add(new FieldProblem(offset.getKey(), "must be 0 or more"));
      }
    }
    if (given.fromOffset() != null
        && given.toOffset() != null
        && given.fromOffset() >= given.toOffset()) {
      problems.add(new FieldProblem(TO_OFFSET, "must be greater than fromOffset"));
    }
    if (given.sourceTopic() != null && given.sourceTopic().isBlank()) {
      problems.add(new FieldProblem(SOURCE_TOPIC, "must not be blank"));
    }
    if (!problems.isEmpty()) {
      throw new InvalidPipelineException(problems);
    }
    return new RedriveFilter(
        pipeline,
        Optional.ofNullable(given.from()),
        Optional.ofNullable(given.to()),
        classes,
        Optional.ofNullable(given.sourceTopic()),
        Optional.ofNullable(given.sourcePartition()),
        Optional.ofNullable(given.fromOffset()),
        Optional.ofNullable(given.toOffset()),
        Boolean.TRUE.equals(given.dryRun()));
  }

  private static long nullable(Long value) {
    return value == null ? Long.MIN_VALUE : value;
  }

  /** As operation parameters. */
  Map<String, String> parameters() {
    Map<String, String> parameters = new LinkedHashMap<>();
    from.ifPresent(v -> parameters.put(FROM, v.toString()));
    to.ifPresent(v -> parameters.put(TO, v.toString()));
    if (!errorClasses.isEmpty()) {
      parameters.put(ERROR_CLASSES, String.join(",", new TreeSet<>(errorClasses)));
    }
    sourceTopic.ifPresent(v -> parameters.put(SOURCE_TOPIC, v));
    sourcePartition.ifPresent(v -> parameters.put(SOURCE_PARTITION, v.toString()));
    fromOffset.ifPresent(v -> parameters.put(FROM_OFFSET, v.toString()));
    toOffset.ifPresent(v -> parameters.put(TO_OFFSET, v.toString()));
    parameters.put(DRY_RUN, Boolean.toString(dryRun));
    return parameters;
  }

  /** From operation parameters, as {@link #parameters()} wrote them. */
  static RedriveFilter fromParameters(String pipeline, Map<String, String> parameters) {
    try {
      String classes = parameters.getOrDefault(ERROR_CLASSES, "");
      return new RedriveFilter(
          pipeline,
          Optional.ofNullable(parameters.get(FROM)).map(Instant::parse),
          Optional.ofNullable(parameters.get(TO)).map(Instant::parse),
          classes.isEmpty() ? Set.of() : Set.of(classes.split(",")),
          Optional.ofNullable(parameters.get(SOURCE_TOPIC)),
          Optional.ofNullable(parameters.get(SOURCE_PARTITION)).map(Integer::valueOf),
          Optional.ofNullable(parameters.get(FROM_OFFSET)).map(Long::valueOf),
          Optional.ofNullable(parameters.get(TO_OFFSET)).map(Long::valueOf),
          Boolean.parseBoolean(parameters.get(DRY_RUN)));
    } catch (DateTimeParseException | IllegalArgumentException e) {
      throw new IllegalStateException("Unreadable redrive parameters " + parameters, e);
    }
  }

  /** Whether the redrive loads this dead letter. */
  boolean matches(StoredDeadLetter letter) {
    if (!letter.pipeline().equals(pipeline)) {
      return false;
    }
    long timestamp = letter.message().timestamp();
    if (from.isPresent() && timestamp < from.get().toEpochMilli()) {
      return false;
    }
    if (to.isPresent() && timestamp >= to.get().toEpochMilli()) {
      return false;
    }
    if (!errorClasses.isEmpty() && !errorClasses.contains(letter.errorClass())) {
      return false;
    }
    if (sourceTopic.isPresent() && !sourceTopic.get().equals(letter.message().topic())) {
      return false;
    }
    if (sourcePartition.isPresent() && sourcePartition.get() != letter.message().partition()) {
      return false;
    }
    long offset = letter.message().offset();
    return fromOffset.map(f -> offset >= f).orElse(true)
        && toOffset.map(t -> offset < t).orElse(true);
  }
}
