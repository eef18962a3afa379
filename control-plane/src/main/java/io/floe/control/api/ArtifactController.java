package io.floe.control.api;

import static java.util.Objects.requireNonNull;

import io.floe.control.artifact.ArtifactException;
import io.floe.control.artifact.ArtifactService;
import io.floe.control.artifact.ArtifactView;
import io.floe.control.model.Artifact;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/** Loader JARs for the managed-flink target: upload once, pin from pipelines. */
@RestController
@Tag(name = "Artifacts", description = "Loader JARs that Managed Flink applications run")
public class ArtifactController {
  private final ArtifactService artifacts;

  public ArtifactController(ArtifactService artifacts) {
    this.artifacts = requireNonNull(artifacts, "artifacts is null");
  }

  @PostMapping(
      path = "/artifacts",
      consumes = MediaType.MULTIPART_FORM_DATA_VALUE,
      produces = MediaType.APPLICATION_JSON_VALUE)
  @Operation(
      summary = "Upload a loader JAR",
      description =
          "Stored once per content (sha256) in the artifact bucket, with its S3 object version;"
              + " the same content again returns the first artifact (200). Refused over 512 MiB.")
  public ResponseEntity<ArtifactView> upload(@RequestParam("file") MultipartFile file) {
    boolean known;
    Artifact artifact;
    try (InputStream in = file.getInputStream()) {
      int before = artifacts.list().size();
      artifact = artifacts.upload(in, file.getOriginalFilename(), "upload");
      known = artifacts.list().size() == before;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ArtifactView view = ArtifactView.of(artifact);
    return known
        ? ResponseEntity.ok(view)
        : ResponseEntity.created(URI.create("/artifacts/" + artifact.sha256())).body(view);
  }

  @GetMapping(path = "/artifacts", produces = MediaType.APPLICATION_JSON_VALUE)
  @Operation(summary = "The registered loader JARs, newest first")
  public List<ArtifactView> list() {
    return artifacts.list().stream().map(ArtifactView::of).toList();
  }

  @GetMapping(path = "/artifacts/{artifact}", produces = MediaType.APPLICATION_JSON_VALUE)
  @Operation(summary = "One loader JAR, by sha256 or id")
  public ArtifactView get(@PathVariable String artifact) {
    return artifacts
        .find(artifact)
        .map(ArtifactView::of)
        .orElseThrow(
            () ->
                new ArtifactException(
                    ArtifactException.Kind.NOT_FOUND,
                    "No artifact " + artifact + " is registered"));
  }
}
