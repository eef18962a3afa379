package io.floe.control.api;

import static java.util.Objects.requireNonNull;

import io.floe.control.deadletter.DeadLetterService;
import io.floe.control.deadletter.DeadLetterSummary;
import io.floe.control.deadletter.RedriveRequest;
import io.floe.control.deadletter.RedriveView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.time.Instant;
import java.util.Optional;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** A pipeline's dead letters: what they are, and loading them again after a fix. */
@RestController
@RequestMapping(produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(
    name = "Dead letters",
    description = "Counts and samples of a pipeline's dead letters, and redrives that load them")
public class DeadLetterController {
  private final DeadLetterService deadLetters;

  public DeadLetterController(DeadLetterService deadLetters) {
    this.deadLetters = requireNonNull(deadLetters, "deadLetters is null");
  }

  @GetMapping("/pipelines/{name}/dead-letters")
  @Operation(
      summary = "Count and sample the pipeline's dead letters",
      description =
          "Reads the dead-letter topic (the newest 100,000 records at most): counts per error class"
              + " and field path, and the newest samples, each message shown safely (UTF-8 text or"
              + " hex, cut at 1,024 characters). Needs the operator role.")
  public DeadLetterSummary browse(
      @PathVariable String name,
      @Parameter(description = "Only original messages at or after this instant")
          @RequestParam(required = false)
          @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME)
          Instant from,
      @Parameter(description = "Only original messages before this instant")
          @RequestParam(required = false)
          @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME)
          Instant to,
      @Parameter(description = "Only this error class, e.g. UNKNOWN_FIELD")
          @RequestParam(required = false)
          String errorClass,
      @Parameter(description = "How many of the newest to show, 0 to 50")
          @RequestParam(defaultValue = "5")
          int samples) {
    return deadLetters.browse(
        name,
        Optional.ofNullable(from),
        Optional.ofNullable(to),
        Optional.ofNullable(errorClass),
        samples);
  }

  @PostMapping(
      value = "/pipelines/{name}/dead-letters/redrive",
      consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(
      summary = "Load dead letters again",
      description =
          "A REDRIVE operation: parses each dead letter's original message with the pipeline's"
              + " current settings and table schema and loads those that now parse, each at most"
              + " once however often it runs (a table property records which were loaded, in the"
              + " same commit as their rows). Those that still fail stay in the topic and are"
              + " reported. dryRun reports without writing. Needs the operator role.")
  @Accepted(
      "The redrive, running in the background; follow it at Location"
          + " (/pipelines/{name}/dead-letters/redrives/{id})")
  public ResponseEntity<RedriveView> redrive(
      @PathVariable String name,
      @RequestBody(required = false) RedriveRequest body,
      HttpServletRequest request) {
    RedriveView view = deadLetters.redrive(name, body, RequestIds.context(request));
    return ResponseEntity.status(HttpStatus.ACCEPTED)
        .location(URI.create("/pipelines/" + name + "/dead-letters/redrives/" + view.id()))
        .body(view);
  }

  @GetMapping("/pipelines/{name}/dead-letters/redrives/{id}")
  @Operation(summary = "A redrive: its progress and its report per error class")
  public RedriveView redriveOf(@PathVariable String name, @PathVariable String id) {
    return deadLetters.redriveOf(name, id);
  }
}
