package io.floe.control.api;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The API's description as served at /v3/api-docs; openapi.yaml at the repository root is this,
 * written out, and a test keeps the two equal.
 */
@Configuration(proxyBeanMethods = false)
public class OpenApiConfiguration {
  @Bean
  OpenAPI floeApi() {
    return new OpenAPI()
        .info(
            new Info()
                .title("Floe")
                .version("v1")
                .description(
                    "Pipelines from Kafka JSON into Apache Iceberg tables, exactly once, and the"
                        + " lifecycle of their Flink loaders. Every call but the health probes needs"
                        + " a bearer token; errors are RFC 9457 problem responses.")
                .license(new License().name("Apache-2.0")))
        .servers(List.of(new Server().url("/")))
        .components(
            new Components()
                .addSecuritySchemes(
                    "bearer", new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")))
        .addSecurityItem(new SecurityRequirement().addList("bearer"));
  }
}
