package io.floe.control.api;

import io.floe.control.artifact.ArtifactException;
import io.floe.control.deadletter.DeadLettersUnavailableException;
import io.floe.control.maintenance.MaintenanceRunNotFoundException;
import io.floe.control.model.FieldProblem;
import io.floe.control.model.InvalidPipelineException;
import io.floe.control.model.OperationNotFoundException;
import io.floe.control.model.PipelineConflictException;
import io.floe.control.model.PipelineExistsException;
import io.floe.control.model.PipelineNotFoundException;
import io.floe.control.model.StaleVersionException;
import io.floe.control.model.UnresolvablePipelineException;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * The one place where expected failures become RFC 9457 problem responses: each names its cause,
 * and field errors name the offending JSON field in {@code errors[].field}.
 */
@RestControllerAdvice
public class Problems {
  private static final Logger LOG = LoggerFactory.getLogger(Problems.class);

  @ExceptionHandler(InvalidPipelineException.class)
  ResponseEntity<ProblemDetail> invalid(InvalidPipelineException e) {
    boolean unresolvable = e instanceof UnresolvablePipelineException;
    return problem(
        unresolvable ? HttpStatus.UNPROCESSABLE_CONTENT : HttpStatus.BAD_REQUEST,
        unresolvable ? ProblemType.UNRESOLVABLE_PIPELINE : ProblemType.INVALID_REQUEST,
        e.getMessage(),
        e.problems());
  }

  @ExceptionHandler({
    PipelineNotFoundException.class,
    OperationNotFoundException.class,
    MaintenanceRunNotFoundException.class
  })
  ResponseEntity<ProblemDetail> notFound(RuntimeException e) {
    return problem(HttpStatus.NOT_FOUND, ProblemType.NOT_FOUND, e.getMessage(), List.of());
  }

  @ExceptionHandler(PipelineExistsException.class)
  ResponseEntity<ProblemDetail> exists(PipelineExistsException e) {
    return problem(
        HttpStatus.CONFLICT,
        ProblemType.PIPELINE_EXISTS,
        e.getMessage(),
        List.of(new FieldProblem("name", "is taken")));
  }

  @ExceptionHandler(PipelineConflictException.class)
  ResponseEntity<ProblemDetail> conflict(PipelineConflictException e) {
    return problem(HttpStatus.CONFLICT, ProblemType.STATE_CONFLICT, e.getMessage(), List.of());
  }

  @ExceptionHandler(StaleVersionException.class)
  ResponseEntity<ProblemDetail> stale(StaleVersionException e) {
    return problem(
        HttpStatus.PRECONDITION_FAILED,
        ProblemType.STALE_VERSION,
        e.getMessage() + "; GET the pipeline for its current ETag",
        List.of(new FieldProblem("If-Match", "is stale")));
  }

  @ExceptionHandler(ArtifactException.class)
  ResponseEntity<ProblemDetail> artifact(ArtifactException e) {
    switch (e.kind()) {
      case TOO_LARGE:
        return problem(
            HttpStatus.CONTENT_TOO_LARGE,
            ProblemType.ARTIFACT_TOO_LARGE,
            e.getMessage(),
            List.of(new FieldProblem("file", "is over 512 MiB")));
      case NOT_A_JAR:
        return problem(
            HttpStatus.BAD_REQUEST,
            ProblemType.INVALID_REQUEST,
            e.getMessage(),
            List.of(new FieldProblem("file", "is not a JAR")));
      case NOT_FOUND:
        return problem(HttpStatus.NOT_FOUND, ProblemType.NOT_FOUND, e.getMessage(), List.of());
      case NOT_CONFIGURED:
        return problem(HttpStatus.CONFLICT, ProblemType.NOT_CONFIGURED, e.getMessage(), List.of());
      default:
        return problem(
            HttpStatus.SERVICE_UNAVAILABLE,
            ProblemType.ARTIFACT_STORE_UNAVAILABLE,
            e.getMessage(),
            List.of());
    }
  }

  @ExceptionHandler(DeadLettersUnavailableException.class)
  ResponseEntity<ProblemDetail> deadLettersUnavailable(DeadLettersUnavailableException e) {
    return problem(
        HttpStatus.SERVICE_UNAVAILABLE,
        ProblemType.DEAD_LETTERS_UNAVAILABLE,
        e.getMessage(),
        List.of());
  }

  @ExceptionHandler(org.springframework.web.multipart.MaxUploadSizeExceededException.class)
  ResponseEntity<ProblemDetail> uploadTooLarge(
      org.springframework.web.multipart.MaxUploadSizeExceededException e) {
    return problem(
        HttpStatus.CONTENT_TOO_LARGE,
        ProblemType.ARTIFACT_TOO_LARGE,
        "The upload is larger than 512 MiB, the Managed Flink limit on application code",
        List.of(new FieldProblem("file", "is over 512 MiB")));
  }

  @ExceptionHandler(HttpMessageNotReadableException.class)
  ResponseEntity<ProblemDetail> unreadable(HttpMessageNotReadableException e) {
    Throwable cause = e.getCause();
    if (cause instanceof UnrecognizedPropertyException unknown) {
      String field = path(unknown);
      return problem(
          HttpStatus.BAD_REQUEST,
          ProblemType.UNKNOWN_FIELD,
          "The request has a field this API does not know: " + field,
          List.of(
              new FieldProblem(
                  field, "is not a known field; known here: " + unknown.getKnownPropertyIds())));
    }
    if (cause instanceof DatabindException databind && !databind.getPath().isEmpty()) {
      String field = path(databind);
      return problem(
          HttpStatus.BAD_REQUEST,
          ProblemType.INVALID_REQUEST,
          "Field " + field + " has the wrong type or format",
          List.of(new FieldProblem(field, databind.getOriginalMessage())));
    }
    return problem(
        HttpStatus.BAD_REQUEST,
        ProblemType.INVALID_REQUEST,
        "The body is not valid JSON for this request",
        List.of());
  }

  @ExceptionHandler(MissingRequestHeaderException.class)
  ResponseEntity<ProblemDetail> missingHeader(MissingRequestHeaderException e) {
    return problem(
        HttpStatus.BAD_REQUEST,
        ProblemType.INVALID_REQUEST,
        e.getMessage(),
        List.of(new FieldProblem(e.getHeaderName(), "is required")));
  }

  @ExceptionHandler(MethodArgumentTypeMismatchException.class)
  ResponseEntity<ProblemDetail> typeMismatch(MethodArgumentTypeMismatchException e) {
    return problem(
        HttpStatus.BAD_REQUEST,
        ProblemType.INVALID_REQUEST,
        "'" + e.getValue() + "' is not a valid " + e.getName(),
        List.of(new FieldProblem(e.getName(), "'" + e.getValue() + "' is not valid")));
  }

  @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
  ResponseEntity<ProblemDetail> method(HttpRequestMethodNotSupportedException e) {
    return problem(
        HttpStatus.METHOD_NOT_ALLOWED, ProblemType.METHOD_NOT_ALLOWED, e.getMessage(), List.of());
  }

  @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
  ResponseEntity<ProblemDetail> mediaType(HttpMediaTypeNotSupportedException e) {
    return problem(
        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
        ProblemType.UNSUPPORTED_MEDIA_TYPE,
        e.getMessage(),
        List.of());
  }

  @ExceptionHandler(NoResourceFoundException.class)
  ResponseEntity<ProblemDetail> noResource(NoResourceFoundException e) {
    return problem(
        HttpStatus.NOT_FOUND,
        ProblemType.NOT_FOUND,
        "No such resource: /" + e.getResourcePath(),
        List.of());
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<ProblemDetail> unexpected(Exception e) {
    LOG.error("Unexpected failure", e);
    return problem(
        HttpStatus.INTERNAL_SERVER_ERROR,
        ProblemType.INTERNAL_ERROR,
        "An unexpected error occurred; the control plane's log has the details",
        List.of());
  }

  static ResponseEntity<ProblemDetail> problem(
      HttpStatusCode status, ProblemType type, String detail, List<FieldProblem> errors) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
    problem.setType(type.uri());
    problem.setTitle(type.title());
    if (!errors.isEmpty()) {
      problem.setProperty("field", errors.get(0).field());
      problem.setProperty(
          "errors",
          errors.stream()
              .map(error -> Map.of("field", error.field(), "message", error.message()))
              .collect(Collectors.toList()));
    }
    return ResponseEntity.status(status)
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .body(problem);
  }

  private static String path(DatabindException e) {
    StringBuilder path = new StringBuilder();
    for (var reference : e.getPath()) {
      if (reference.getPropertyName() != null) {
        if (path.length() > 0) {
          path.append('.');
        }
        path.append(reference.getPropertyName());
      } else if (reference.getIndex() >= 0) {
        path.append('[').append(reference.getIndex()).append(']');
      }
    }
    return path.toString();
  }
}
