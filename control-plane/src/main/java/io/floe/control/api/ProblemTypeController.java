package io.floe.control.api;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Arrays;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** Serves the documentation a problem response's {@code type} URI points at. */
@RestController
@Tag(name = "Problems", description = "What each kind of error answer means")
public class ProblemTypeController {
  /**
   * One kind of problem, as documented.
   *
   * @param type the type URI, as problem responses give it
   * @param title the kind of problem, in words
   * @param description what it means and what to do about it
   */
  public record ProblemTypeView(String type, String title, String description) {
    static ProblemTypeView of(ProblemType type) {
      return new ProblemTypeView(type.uri().toString(), type.title(), type.description());
    }
  }

  @GetMapping(value = "/problems", produces = MediaType.APPLICATION_JSON_VALUE)
  @Operation(summary = "Every kind of problem the API answers with")
  public List<ProblemTypeView> problemTypes() {
    return Arrays.stream(ProblemType.values()).map(ProblemTypeView::of).toList();
  }

  @GetMapping(value = "/problems/{type}", produces = MediaType.APPLICATION_JSON_VALUE)
  @Operation(summary = "What one kind of problem means and what to do about it")
  public ResponseEntity<ProblemTypeView> problemType(@PathVariable String type) {
    return ProblemType.byName(type)
        .map(ProblemTypeView::of)
        .map(ResponseEntity::ok)
        .orElseGet(() -> ResponseEntity.notFound().build());
  }
}
