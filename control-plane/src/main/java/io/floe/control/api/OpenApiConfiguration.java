package io.floe.control.api;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import java.util.Arrays;
import java.util.List;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The API's description as served at /v3/api-docs; openapi.yaml at the repository root is this,
 * written out, and a test keeps the two equal.
 */
@Configuration(proxyBeanMethods = false)
public class OpenApiConfiguration {
  /**
   * Documents the problem responses every operation can give, so clients see them in the contract
   * without an annotation on each method.
   */
  @Bean
  OperationCustomizer problemResponses() {
    return (operation, handler) -> {
      ApiResponses responses = operation.getResponses();
      String method = handler.getMethod().getName();
      Accepted accepted = handler.getMethodAnnotation(Accepted.class);
      ApiResponse ok = responses.get("200");
      if (accepted != null && ok != null) {
        responses.addApiResponse(
            "202", new ApiResponse().description(accepted.value()).content(ok.getContent()));
        if (accepted.orOk().isEmpty()) {
          responses.remove("200");
        } else {
          ok.description(accepted.orOk());
        }
      }
      add(
          responses,
          "400",
          "Invalid request: the problem names each offending field in errors[].field");
      add(responses, "401", "No bearer token, or an invalid one");
      add(responses, "403", "The token's role does not allow this");
      boolean onePipeline =
          handler.getMethod().getParameterCount() > 0
              && java.util.Arrays.stream(handler.getMethodParameters())
                  .anyMatch(
                      p ->
                          p.hasParameterAnnotation(
                              org.springframework.web.bind.annotation.PathVariable.class));
      if (onePipeline) {
        add(responses, "404", "No such pipeline or operation");
      }
      if (method.equals("create") || method.equals("put")) {
        add(responses, "409", "A pipeline of that name exists (POST)");
        add(responses, "412", "If-Match names a version that is not the current one");
        add(
            responses,
            "422",
            "The pipeline refers to a topic, table or secret that is missing, or exceeds what it allows");
      }
      if (method.equals("start")
          || method.equals("stop")
          || method.equals("restart")
          || method.equals("parallelism")
          || method.equals("delete")) {
        add(responses, "409", "Not possible in the pipeline's state");
        add(responses, "412", "If-Match names a version that is not the current one");
      }
      if (method.equals("move")) {
        add(
            responses,
            "422",
            "An offset outside what its partition holds, or a partition the pipeline does not read");
      }
      if (method.equals("parallelism")) {
        add(
            responses,
            "422",
            "Above the topics' partition count (unless force) or the maximum parallelism");
      }
      return operation;
    };
  }

  /** Descriptions of fields whose meaning is not obvious from their name. */
  @Bean
  OpenApiCustomizer fieldDescriptions() {
    return api -> {
      Schema<?> source = api.getComponents().getSchemas().get("Source");
      if (source != null && source.getProperties().get("startingOffsets") != null) {
        source
            .getProperties()
            .get("startingOffsets")
            .description(
                "committed (default), earliest, latest or timestamp: where the pipeline starts"
                    + " reading a partition its table holds no commit of it for; it applies once,"
                    + " every later start continues after the offsets the table recorded (move"
                    + " them with POST /pipelines/{name}/offsets)");
      }
    };
  }

  private static void add(ApiResponses responses, String status, String description) {
    if (!responses.containsKey(status)) {
      responses.addApiResponse(
          status,
          new ApiResponse()
              .description(description)
              .content(
                  new Content()
                      .addMediaType(
                          "application/problem+json",
                          new MediaType()
                              .schema(new Schema<>().$ref("#/components/schemas/Problem")))));
    }
  }

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
                .addSchemas("Problem", problemSchema())
                .addSecuritySchemes(
                    "bearer", new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")))
        .addSecurityItem(new SecurityRequirement().addList("bearer"));
  }

  /** RFC 9457 problem details, with Floe's field errors. */
  @SuppressWarnings({"rawtypes", "unchecked"})
  private static Schema problemSchema() {
    Schema error =
        new ObjectSchema()
            .addProperty(
                "field",
                new StringSchema()
                    .description("The offending field, as a dotted JSON path or a header name"))
            .addProperty("message", new StringSchema().description("What is wrong with it"));
    Schema<String> type =
        new StringSchema()
            .format("uri-reference")
            .description(
                "The kind of problem: /problems/<name>, relative to the control plane, where GET"
                    + " explains it");
    type.setEnum(Arrays.stream(ProblemType.values()).map(t -> t.uri().toString()).toList());
    return new ObjectSchema()
        .description("An RFC 9457 problem")
        .addProperty("type", type)
        .addProperty("title", new StringSchema().description("The kind of problem, in words"))
        .addProperty("status", new IntegerSchema().description("The HTTP status"))
        .addProperty("detail", new StringSchema().description("What went wrong in this request"))
        .addProperty("instance", new StringSchema().description("The request's path"))
        .addProperty("field", new StringSchema().description("The first offending field"))
        .addProperty(
            "errors",
            new ArraySchema()
                .items(error)
                .description("Every offending field, with what is wrong"));
  }
}
