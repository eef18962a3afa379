package io.floe.control.model;

import java.util.List;

/** A pipeline request with problems; becomes a 400/422 problem response listing every field. */
public class InvalidPipelineException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final List<FieldProblem> problems;

  public InvalidPipelineException(List<FieldProblem> problems) {
    super(describe(problems));
    this.problems = List.copyOf(problems);
  }

  public InvalidPipelineException(String field, String message) {
    this(List.of(new FieldProblem(field, message)));
  }

  public List<FieldProblem> problems() {
    return problems;
  }

  private static String describe(List<FieldProblem> problems) {
    StringBuilder text = new StringBuilder();
    for (FieldProblem problem : problems) {
      if (text.length() > 0) {
        text.append("; ");
      }
      text.append(problem.field()).append(": ").append(problem.message());
    }
    return text.toString();
  }
}
