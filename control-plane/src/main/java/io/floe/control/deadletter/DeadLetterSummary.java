package io.floe.control.deadletter;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A pipeline's dead letters over a window: how many per error class and field path, and the newest
 * of them as samples, shown safely.
 *
 * @param pipeline the pipeline
 * @param topic the dead-letter topic
 * @param from the window's start (the original messages' timestamps), if any
 * @param to the window's end, if any
 * @param scanned records read from the topic
 * @param matched dead letters of this pipeline in the window
 * @param truncated whether the topic holds more than was scanned (the oldest were left out)
 * @param byErrorClass how many per error class, most common paths included
 * @param samples the newest of them, newest first
 */
public record DeadLetterSummary(
    String pipeline,
    String topic,
    Instant from,
    Instant to,
    long scanned,
    long matched,
    boolean truncated,
    List<ErrorClassCount> byErrorClass,
    List<Sample> samples) {
  /**
   * How many dead letters of one error class, in all and per failing field path.
   *
   * @param errorClass the reason, e.g. UNKNOWN_FIELD
   * @param count how many
   * @param byPath how many per failing column or JSON path ("" for the whole message)
   */
  public record ErrorClassCount(String errorClass, long count, Map<String, Long> byPath) {}

  /**
   * One dead letter: where it is, where it came from, why, and what it holds.
   *
   * @param partition its partition in the dead-letter topic
   * @param offset its offset there
   * @param timestamp the original message's timestamp
   * @param sourceTopic the topic the original message came from
   * @param sourcePartition its partition there
   * @param sourceOffset its offset there
   * @param errorClass why it was refused
   * @param path the failing column or JSON path; empty for the whole message
   * @param message what was wrong, in words
   * @param key the original key
   * @param value the original value
   * @param headers the original headers (without Floe's)
   */
  public record Sample(
      int partition,
      long offset,
      Instant timestamp,
      String sourceTopic,
      int sourcePartition,
      long sourceOffset,
      String errorClass,
      String path,
      String message,
      ShownBytes key,
      ShownBytes value,
      Map<String, ShownBytes> headers) {}
}
