package io.floe.control.runtime.managed;

import static java.util.Objects.requireNonNull;

import io.floe.control.runtime.RuntimeProperties;
import io.floe.loader.settings.JobSettings;
import io.floe.loader.settings.PropertyGroups;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What Managed Flink cannot run: property groups beyond the service's limits, a parallelism above
 * the account's KPU limit or the job's max parallelism.
 */
final class ManagedFlinkLimits {
  private final RuntimeProperties.ManagedFlink config;

  ManagedFlinkLimits(RuntimeProperties.ManagedFlink config) {
    this.config = requireNonNull(config, "config is null");
  }

  List<String> of(Map<String, String> settings, int parallelism) {
    List<String> problems = new ArrayList<>();
    try {
      PropertyGroups.fromSettings(settings);
    } catch (PropertyGroups.PropertyGroupLimitException e) {
      for (String problem : e.problems()) {
        problems.add(
            problem.contains(": ")
                ? problem
                : "spec: " + problem + " (Managed Flink property groups)");
      }
    }
    if (parallelism > config.maxParallelism()) {
      problems.add(
          "job.parallelism: "
              + parallelism
              + " is above what the account's KPU limit allows ("
              + config.kpuLimit()
              + " KPUs x "
              + config.parallelismPerKpu()
              + " per KPU = "
              + config.maxParallelism()
              + ")");
    }
    String max = settings.get(JobSettings.MAX_PARALLELISM.key());
    int maxParallelism =
        max == null ? ApplicationConfigurations.DEFAULT_MAX_PARALLELISM : Integer.parseInt(max);
    if (parallelism > maxParallelism) {
      problems.add(
          "job.parallelism: "
              + parallelism
              + " is above the job's max parallelism "
              + maxParallelism
              + (max == null ? " (Flink's default; set runtime.maxParallelism)" : ""));
    }
    return problems;
  }
}
