package io.floe.control;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The Floe control plane: pipelines API, store, reconciler, runtimes and health. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class FloeApplication {
  public static void main(String[] args) {
    SpringApplication.run(FloeApplication.class, args);
  }
}
