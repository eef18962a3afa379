package io.floe.control.catalog;

import io.floe.loader.settings.TableSettings;
import java.util.Map;

/**
 * The read positions a pipeline's table records (the Kafka offsets of its latest commit), which
 * every start without restored state continues after: the one seam through which positions move.
 */
public interface TablePositions {
  /** The next offset of each partition (topic:partition) the pipeline recorded; empty if none. */
  Map<String, Long> current(String pipeline, TableSettings table);

  /**
   * Records new positions for the pipeline: a commit without data whose summary holds the offsets
   * and {@code record} (who asked, why), so the table itself tells where its rows came from.
   */
  void move(String pipeline, TableSettings table, Map<String, Long> positions, String record);
}
