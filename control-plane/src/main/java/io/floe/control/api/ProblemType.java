package io.floe.control.api;

import java.net.URI;
import java.util.Arrays;
import java.util.Optional;

/**
 * The kinds of problem the API answers with, each documented at its own type URI ({@code
 * /problems/<name>}, served by this control plane), so a client can look up what a problem means.
 */
public enum ProblemType {
  INVALID_REQUEST(
      "invalid-request",
      "Invalid request",
      "The request is malformed: a body that is not JSON, a field of the wrong type or format, a"
          + " missing header or an invalid value. errors[].field names each offending field; fix"
          + " them and send the request again."),
  UNKNOWN_FIELD(
      "unknown-field",
      "Unknown field",
      "The body has a field this API does not know (often a typo). errors[].field names it and its"
          + " message lists the fields known at that place."),
  UNRESOLVABLE_PIPELINE(
      "unresolvable-pipeline",
      "The pipeline refers to something that is missing or does not fit",
      "The request is well formed, but what it refers to does not exist or does not fit: a topic,"
          + " a table or a column, a catalog, an artifact, a setting the brokers refuse."
          + " errors[].field names the field to change."),
  NOT_FOUND("not-found", "Not found", "No pipeline, operation, maintenance run or resource there."),
  PIPELINE_EXISTS(
      "pipeline-exists",
      "Pipeline exists",
      "A pipeline of that name exists; PUT /pipelines/{name} changes it."),
  STATE_CONFLICT(
      "state-conflict",
      "Not possible in the pipeline's state",
      "The pipeline's state does not allow this now (another operation runs, or it is stopped);"
          + " the detail says which. Wait for the running operation or change the state first."),
  STALE_VERSION(
      "stale-version",
      "Stale version",
      "If-Match names a version of the pipeline that is not the current one: someone changed it"
          + " since you read it. GET the pipeline for its current ETag and apply your change again."),
  ARTIFACT_TOO_LARGE(
      "artifact-too-large",
      "Artifact too large",
      "The uploaded JAR is larger than 512 MiB, the Managed Flink limit on application code."),
  NOT_CONFIGURED(
      "not-configured",
      "Not configured here",
      "The request needs a part of the control plane this deployment does not configure (the"
          + " Managed Flink target and its artifact bucket, for example)."),
  ARTIFACT_STORE_UNAVAILABLE(
      "artifact-store-unavailable",
      "Artifact store unavailable",
      "The artifact bucket could not be reached; nothing was stored. Try again later."),
  DEAD_LETTERS_UNAVAILABLE(
      "dead-letters-unavailable",
      "Dead-letter topic unavailable",
      "The pipeline's dead-letter topic could not be read (brokers unreachable, or refusing the"
          + " credentials); nothing was changed. Try again later."),
  METHOD_NOT_ALLOWED(
      "method-not-allowed", "Method not allowed", "The resource does not answer this HTTP method."),
  UNSUPPORTED_MEDIA_TYPE(
      "unsupported-media-type",
      "Unsupported media type",
      "The body's Content-Type is not one this endpoint reads (application/json, or"
          + " multipart/form-data for uploads)."),
  UNAUTHORIZED(
      "unauthorized",
      "Unauthorized",
      "The request has no bearer token, or one that is not valid: send Authorization: Bearer"
          + " <token>."),
  FORBIDDEN(
      "forbidden",
      "Forbidden",
      "The token's role does not allow this request: viewers read; operators also start, stop,"
          + " restart and rescale, read dead letters and redrive them; admins also create, change"
          + " and delete."),
  INTERNAL_ERROR(
      "internal-error",
      "Internal error",
      "An unexpected failure; the control plane's log has the details. Nothing the request asked"
          + " for may be assumed done.");

  private final String name;
  private final String title;
  private final String description;

  ProblemType(String name, String title, String description) {
    this.name = name;
    this.title = title;
    this.description = description;
  }

  /** The type's name, the last segment of its URI. */
  public String typeName() {
    return name;
  }

  public String title() {
    return title;
  }

  public String description() {
    return description;
  }

  /** Relative to the control plane's address, where {@link ProblemTypeController} documents it. */
  public URI uri() {
    return URI.create("/problems/" + name);
  }

  public static Optional<ProblemType> byName(String name) {
    return Arrays.stream(values()).filter(type -> type.name.equals(name)).findFirst();
  }
}
