package io.floe.control.model;

import static java.util.Objects.requireNonNull;

/** One thing wrong with a request, named by its JSON field (dotted path), as users write it. */
public record FieldProblem(String field, String message) {
  public FieldProblem {
    requireNonNull(field, "field is null");
    requireNonNull(message, "message is null");
  }
}
