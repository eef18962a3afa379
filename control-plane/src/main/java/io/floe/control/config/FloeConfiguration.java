package io.floe.control.config;

import io.floe.control.catalog.Catalogs;
import io.floe.control.pipeline.LoaderSettingsRenderer;
import io.floe.loader.credentials.CredentialsResolver;
import java.time.Clock;
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

  /** Reads Kafka credentials where pipelines' references point, with the AWS SDK's defaults. */
  @Bean
  CredentialsResolver credentialsResolver() {
    return new CredentialsResolver();
  }
}
