package io.floe.control.catalog;

import io.floe.loader.settings.RouteSettings;
import io.floe.loader.settings.TableSettings;
import java.time.Instant;
import java.util.List;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;

/**
 * What features need of a pipeline's Iceberg table, found by the pipeline's table settings: the one
 * seam through which health, maintenance, schema changes and the reconciler read tables.
 */
public interface Tables {
  /** The table, loaded now through its catalog: for the features that change it. */
  Table load(TableSettings table);

  /**
   * The tables of a routed pipeline besides its own: those of its table's namespace whose names its
   * route can produce, in name order.
   */
  List<TableSettings> routedTables(TableSettings table, RouteSettings route);

  /** The table's current schema. */
  Schema schema(TableSettings table);

  /**
   * The pipeline's commits since {@code since} (and its latest, however old), oldest first, with
   * the table's totals and current schema id.
   */
  CommitHistory commits(String pipeline, TableSettings table, Instant since);
}
