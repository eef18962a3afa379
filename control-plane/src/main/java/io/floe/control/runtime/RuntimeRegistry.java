package io.floe.control.runtime;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** The runtimes this control plane can deploy to, by the target name pipelines use. */
public final class RuntimeRegistry {
  private final Map<String, PipelineRuntime> runtimes;
  private final String defaultTarget;

  public RuntimeRegistry(Map<String, PipelineRuntime> runtimes, String defaultTarget) {
    this.runtimes = Map.copyOf(new TreeMap<>(requireNonNull(runtimes, "runtimes is null")));
    this.defaultTarget = requireNonNull(defaultTarget, "defaultTarget is null");
  }

  public Optional<PipelineRuntime> find(String target) {
    return Optional.ofNullable(runtimes.get(target));
  }

  /** The runtime of a pipeline's target (the default when it names none). */
  public PipelineRuntime forTarget(String target) {
    String name = target == null ? defaultTarget : target;
    PipelineRuntime runtime = runtimes.get(name);
    if (runtime == null) {
      throw new IllegalStateException(
          "No runtime '" + name + "' is configured; known: " + targets());
    }
    return runtime;
  }

  public String defaultTarget() {
    return defaultTarget;
  }

  public Set<String> targets() {
    return runtimes.keySet();
  }
}
