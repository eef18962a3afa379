package io.floe.control.pipeline;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * A new parallelism.
 *
 * @param parallelism the parallelism to run with
 * @param force accept a parallelism above the topics' partition count
 */
public record ParallelismRequest(
    @Schema(description = "The parallelism to run with (required)", minimum = "1")
        Integer parallelism,
    @Schema(
            description = "Accept a parallelism above the topics' partition count",
            defaultValue = "false")
        Boolean force) {}
