package io.floe.control.catalog;

import io.floe.loader.settings.TableSettings;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The read positions a pipeline's table records (the Kafka offsets of its latest commit), which
 * every start without restored state continues after: the one seam through which positions move.
 */
public interface TablePositions {
  /** The next offset of each partition (topic:partition) the pipeline recorded; empty if none. */
  Map<String, Long> current(String pipeline, TableSettings table);

  /**
   * When the pipeline's newest commit was made, by the table's record of it (the committer's
   * clock); empty when the table holds none of the pipeline's, or does not exist. What a restore
   * point must be newer than where a runtime's checkpoint ids cannot be compared (Managed Flink).
   */
  Optional<Instant> newestCommit(String pipeline, TableSettings table);

  /**
   * Records new positions for the pipeline: a commit without data whose summary holds the offsets
   * and {@code record} (who asked, why), so the table itself tells where its rows came from.
   */
  void move(String pipeline, TableSettings table, Map<String, Long> positions, String record);
}
