package io.floe.control.model;

import java.util.List;

/**
 * A well-formed pipeline that refers to things that do not exist or cannot be reached (a topic, a
 * table, a secret), or asks for more than they allow; a 422 problem naming each field.
 */
public class UnresolvablePipelineException extends InvalidPipelineException {
  private static final long serialVersionUID = 1L;

  public UnresolvablePipelineException(List<FieldProblem> problems) {
    super(problems);
  }

  public UnresolvablePipelineException(String field, String message) {
    super(field, message);
  }
}
