package io.floe.control.config;

import io.floe.control.artifact.ArtifactBucket;
import io.floe.control.artifact.ArtifactService;
import io.floe.control.artifact.ArtifactStore;
import io.floe.control.catalog.Catalogs;
import io.floe.control.model.LoaderSettingsRenderer;
import io.floe.control.runtime.RuntimeProperties;
import io.floe.loader.credentials.CredentialsResolver;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The plain objects the control plane's features share. */
@Configuration(proxyBeanMethods = false)
public class FloeConfiguration {
  @Bean
  Clock clock() {
    return Clock.systemUTC();
  }

  @Bean
  LoaderSettingsRenderer loaderSettingsRenderer(Catalogs catalogs) {
    return new LoaderSettingsRenderer(catalogs::properties);
  }

  /** Loader JARs; the build's own is registered when Managed Flink is configured. */
  @Bean
  ArtifactService artifactService(
      ArtifactStore store,
      ObjectProvider<ArtifactBucket> bucket,
      RuntimeProperties runtime,
      Clock clock) {
    Optional<Path> buildJar =
        runtime.managedFlink() == null
            ? Optional.empty()
            : Optional.ofNullable(runtime.loaderJar());
    return new ArtifactService(store, bucket, buildJar, clock);
  }

  /** Reads Kafka credentials where pipelines' references point, with the AWS SDK's defaults. */
  @Bean
  CredentialsResolver credentialsResolver() {
    return new CredentialsResolver();
  }
}
