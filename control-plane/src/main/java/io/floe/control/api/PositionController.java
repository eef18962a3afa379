package io.floe.control.api;

import static java.util.Objects.requireNonNull;

import io.floe.control.position.PositionMoveRequest;
import io.floe.control.position.PositionService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Moving a pipeline's read positions: the only way they move (README, "Read positions"). */
@RestController
@RequestMapping(produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Pipelines")
public class PositionController {
  private final PositionService positions;

  public PositionController(PositionService positions) {
    this.positions = requireNonNull(positions, "positions is null");
  }

  @PostMapping("/pipelines/{name}/offsets")
  @Operation(
      summary = "Move the read positions",
      description =
          "To the earliest or latest offsets, a timestamp, or offsets per partition. The answer"
              + " says per partition how many messages the move skips or reads again (against the"
              + " positions the table recorded). With dryRun only that; else the loader is stopped"
              + " with a savepoint, the positions are recorded in the table (with who asked) and"
              + " the loader starts there, without the savepoint. A stopped pipeline stays stopped"
              + " and starts there later.")
  @Accepted(
      value = "The plan and the MOVE_OFFSETS operation; follow it at Location",
      orOk = "With dryRun: the plan alone")
  public ResponseEntity<PositionService.Moved> move(
      @PathVariable String name,
      @RequestBody PositionMoveRequest body,
      @Parameter(description = "Answer what the move would do; change nothing")
          @RequestParam(defaultValue = "false")
          boolean dryRun,
      HttpServletRequest request) {
    if (dryRun) {
      return ResponseEntity.ok(new PositionService.Moved(positions.plan(name, body), null));
    }
    PositionService.Moved moved = positions.move(name, body, RequestIds.context(request));
    return ResponseEntity.status(HttpStatus.ACCEPTED)
        .location(URI.create("/operations/" + moved.operation().id()))
        .body(moved);
  }
}
