package io.floe.loader.deadletter;

import java.util.List;

/**
 * The headers a dead letter carries besides the original record's own: where it came from, why it
 * was refused and which table commit counted it. The loader writes them; the control plane reads
 * them to browse and redrive dead letters. Values are UTF-8 text.
 */
public final class DeadLetterHeaders {
  public static final String PIPELINE = "floe.pipeline";
  public static final String SOURCE_TOPIC = "floe.source.topic";
  public static final String SOURCE_PARTITION = "floe.source.partition";
  public static final String SOURCE_OFFSET = "floe.source.offset";
  public static final String SOURCE_TIMESTAMP = "floe.source.timestamp";
  public static final String ERROR_CLASS = "floe.error.class";
  public static final String ERROR_MESSAGE = "floe.error.message";
  public static final String ERROR_PATH = "floe.error.path";

  /** The id of the Iceberg snapshot whose commit counted the dead letter. */
  public static final String SNAPSHOT_ID = "floe.commit.snapshot-id";

  /** Every header Floe adds, in the order it adds them after the original record's headers. */
  public static final List<String> ALL =
      List.of(
          PIPELINE,
          SOURCE_TOPIC,
          SOURCE_PARTITION,
          SOURCE_OFFSET,
          SOURCE_TIMESTAMP,
          ERROR_CLASS,
          ERROR_MESSAGE,
          ERROR_PATH,
          SNAPSHOT_ID);

  private DeadLetterHeaders() {}
}
