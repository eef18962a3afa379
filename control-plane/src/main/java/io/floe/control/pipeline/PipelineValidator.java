package io.floe.control.pipeline;

import static java.util.Objects.requireNonNull;

import io.floe.control.artifact.ArtifactService;
import io.floe.control.model.FieldProblem;
import io.floe.control.model.InvalidPipelineException;
import io.floe.control.model.LoaderSettingsRenderer;
import io.floe.control.model.MaintenancePolicy;
import io.floe.control.model.PipelineSpec;
import io.floe.control.model.RuntimeTargets;
import io.floe.control.model.SpecFields;
import io.floe.control.model.UnresolvablePipelineException;
import io.floe.control.runtime.RuntimeRegistry;
import io.floe.control.validation.PipelineChecks;
import io.floe.loader.settings.LoaderSettings;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Decides whether a spec may be saved: first its form (rendered with the loader's model, 400), then
 * the real world and the target runtime's limits (422); each problem names the API field to fix.
 */
@Component
public class PipelineValidator {
  private final LoaderSettingsRenderer renderer;
  private final PipelineChecks checks;
  private final RuntimeRegistry runtimes;
  private final ArtifactService artifacts;

  public PipelineValidator(
      LoaderSettingsRenderer renderer,
      PipelineChecks checks,
      RuntimeRegistry runtimes,
      ArtifactService artifacts) {
    this.renderer = requireNonNull(renderer, "renderer is null");
    this.checks = requireNonNull(checks, "checks is null");
    this.runtimes = requireNonNull(runtimes, "runtimes is null");
    this.artifacts = requireNonNull(artifacts, "artifacts is null");
  }

  /**
   * The spec's loader settings, rendered once for the checks and the save that follow.
   *
   * @throws InvalidPipelineException (400) listing every problem of form
   */
  public LoaderSettings validate(String name, PipelineSpec spec) {
    List<FieldProblem> problems = new ArrayList<>();
    LoaderSettings settings = null;
    try {
      settings = renderer.settings(name, spec);
    } catch (InvalidPipelineException e) {
      problems.addAll(e.problems());
    }
    try {
      MaintenancePolicy.of(spec.maintenance());
    } catch (InvalidPipelineException e) {
      problems.addAll(e.problems());
    }
    if (!problems.isEmpty()) {
      throw new InvalidPipelineException(problems);
    }
    String target = targetOf(spec);
    if (runtimes.find(target).isEmpty()) {
      throw new InvalidPipelineException(
          SpecFields.RUNTIME_TARGET,
          "no runtime '" + target + "' is configured here; configured: " + runtimes.targets());
    }
    return settings;
  }

  /**
   * Checks the spec against the real world and its target runtime's limits.
   *
   * @param forceParallelism accept a parallelism above the partition count
   * @throws UnresolvablePipelineException (422) naming every field whose target is missing or wrong
   */
  public PipelineChecks.Findings check(
      PipelineSpec spec, LoaderSettings settings, boolean forceParallelism) {
    PipelineChecks.Findings findings = checks.check(spec, settings, forceParallelism);
    checkRuntime(spec, settings);
    return findings;
  }

  /** The target runtime's own limits, and the artifact the spec pins (422 naming each field). */
  private void checkRuntime(PipelineSpec spec, LoaderSettings settings) {
    String target = targetOf(spec);
    List<FieldProblem> problems = new ArrayList<>();
    spec.runtime()
        .artifactPin()
        .ifPresent(
            artifact -> {
              if (!target.equals(RuntimeTargets.MANAGED_FLINK)) {
                problems.add(
                    new FieldProblem(
                        SpecFields.RUNTIME_ARTIFACT,
                        "applies to the "
                            + RuntimeTargets.MANAGED_FLINK
                            + " target only, not "
                            + target));
              } else if (artifacts.find(artifact).isEmpty()) {
                problems.add(
                    new FieldProblem(
                        SpecFields.RUNTIME_ARTIFACT,
                        "no artifact " + artifact + " is registered (GET /artifacts)"));
              }
            });
    for (String limit :
        runtimes
            .forTarget(target)
            .limits(settings.asMap(), spec.runtime().parallelismOrDefault())) {
      FieldProblem problem = LoaderSettingsRenderer.toFieldProblem(limit);
      problems.add(
          new FieldProblem(
              problem.field(), problem.message() + " (a limit of the " + target + " target)"));
    }
    if (!problems.isEmpty()) {
      throw new UnresolvablePipelineException(problems);
    }
  }

  private String targetOf(PipelineSpec spec) {
    return spec.runtime().targetName().orElse(runtimes.defaultTarget());
  }
}
