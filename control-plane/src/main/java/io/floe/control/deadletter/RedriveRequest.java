package io.floe.control.deadletter;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;

/**
 * What a redrive loads: every dead letter of the pipeline, or those in a range. Each bound is
 * optional; given together they all apply.
 *
 * @param from dead letters whose original message is at least this recent (its Kafka timestamp)
 * @param to dead letters whose original message is older than this
 * @param errorClasses only dead letters refused for one of these, e.g. UNKNOWN_FIELD
 * @param sourceTopic only messages from this source topic
 * @param sourcePartition only messages from this source partition
 * @param fromOffset only messages at or after this source offset (with sourcePartition)
 * @param toOffset only messages before this source offset (with sourcePartition)
 * @param dryRun parse only: report what would load, write nothing
 */
public record RedriveRequest(
    @Schema(
            description =
                "Only dead letters whose original message's timestamp is at or after this instant",
            example = "2026-12-01T00:00:00Z")
        Instant from,
    @Schema(description = "Only dead letters whose original message's timestamp is before this")
        Instant to,
    @Schema(
            description =
                "Only dead letters refused for one of these reasons (floe.error.class), e.g."
                    + " UNKNOWN_FIELD, WRONG_TYPE, RULE_VIOLATION")
        List<String> errorClasses,
    @Schema(description = "Only messages from this source topic") String sourceTopic,
    @Schema(description = "Only messages from this source partition") Integer sourcePartition,
    @Schema(description = "Only messages at or after this source offset; needs sourcePartition")
        Long fromOffset,
    @Schema(description = "Only messages before this source offset; needs sourcePartition")
        Long toOffset,
    @Schema(
            description = "Parse only: report what would load and what still fails, write nothing",
            defaultValue = "false")
        Boolean dryRun) {}
