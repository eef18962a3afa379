package io.floe.control.position;

import java.time.Instant;
import java.util.Map;

/**
 * Where to move a pipeline's read positions.
 *
 * @param to {@code earliest}, {@code latest}, {@code timestamp} or {@code offsets}
 * @param timestamp with {@code timestamp}: each partition moves to its first message at or after it
 * @param offsets with {@code offsets}: the offset to read next, per partition ({@code
 *     topic:partition}); partitions not named keep their position
 */
public record PositionMoveRequest(String to, Instant timestamp, Map<String, Long> offsets) {}
