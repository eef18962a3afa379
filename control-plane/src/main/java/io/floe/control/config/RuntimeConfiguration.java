package io.floe.control.config;

import io.floe.control.local.LocalStack;
import io.floe.control.model.RuntimeTargets;
import io.floe.control.runtime.PipelineRuntime;
import io.floe.control.runtime.RuntimeProperties;
import io.floe.control.runtime.RuntimeRegistry;
import io.floe.control.runtime.ThrottleGate;
import io.floe.control.runtime.ThrottledRuntime;
import io.floe.control.runtime.flink.FlinkClusterRuntime;
import io.floe.control.runtime.managed.ManagedFlinkRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Builds the runtimes the configuration asks for, each behind a throttle gate. */
@Configuration(proxyBeanMethods = false)
public class RuntimeConfiguration {
  @Bean
  RuntimeRegistry runtimeRegistry(
      RuntimeProperties properties,
      LocalStack local,
      ObjectProvider<ManagedFlinkRuntime> managedFlink) {
    Map<String, PipelineRuntime> runtimes = new HashMap<>();
    managedFlink.ifAvailable(runtime -> runtimes.put(RuntimeTargets.MANAGED_FLINK, runtime));
    if (properties.flinkCluster() != null && properties.flinkCluster().restUrl() != null) {
      runtimes.put(
          RuntimeTargets.FLINK_CLUSTER,
          new FlinkClusterRuntime(
              properties.flinkCluster().restUrl(),
              loaderJar(properties),
              properties.httpTimeout()));
    }
    local
        .flinkRestUrl()
        .ifPresent(
            url ->
                runtimes.put(
                    RuntimeTargets.LOCAL,
                    new FlinkClusterRuntime(url, loaderJar(properties), properties.httpTimeout())));
    return new RuntimeRegistry(throttled(runtimes, properties), properties.defaultTarget());
  }

  /**
   * Every runtime behind its own throttle gate: a throttled service is not called again at once.
   */
  static Map<String, PipelineRuntime> throttled(
      Map<String, PipelineRuntime> runtimes, RuntimeProperties properties) {
    Map<String, PipelineRuntime> gated = new HashMap<>();
    runtimes.forEach(
        (target, runtime) ->
            gated.put(
                target,
                new ThrottledRuntime(
                    runtime,
                    new ThrottleGate(
                        target,
                        properties.throttle(),
                        Clock.systemUTC(),
                        () -> ThreadLocalRandom.current().nextDouble()))));
    return gated;
  }

  private static Path loaderJar(RuntimeProperties properties) {
    Path jar = properties.loaderJar();
    if (jar == null) {
      throw new IllegalStateException(
          "floe.runtime.loader-jar is required: the loader JAR to deploy (loader-job/target/loader-job-*.jar)");
    }
    if (!Files.isReadable(jar)) {
      throw new IllegalStateException(
          "floe.runtime.loader-jar: cannot read " + jar.toAbsolutePath());
    }
    return jar;
  }
}
