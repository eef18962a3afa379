package io.floe.control.pipeline;

/**
 * A new parallelism.
 *
 * @param parallelism the parallelism to run with
 * @param force accept a parallelism above the topics' partition count
 */
public record ParallelismRequest(Integer parallelism, Boolean force) {}
