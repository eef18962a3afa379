package io.floe.loader.settings;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Iceberg table properties Floe sets on the tables it creates, under any the pipeline gives:
 * written into the table, they apply to every engine that writes it (the loader, Flink SQL, Spark,
 * compaction). Measured in docs/benchmarks/table-properties.md.
 */
public final class TableDefaults {
  /** Parquet's dictionary limit per column chunk; Iceberg's default is 2 MiB. */
  public static final String PARQUET_DICT_SIZE_BYTES = "write.parquet.dict-size-bytes";

  /**
   * 64 KiB: a column of many distinct values (ids, amounts, timestamps) leaves dictionary encoding
   * after 64 KiB instead of 2 MiB, which in files of a few hundred thousand rows is never reached,
   * so such columns were written as a dictionary plus indices: larger files and more CPU. Columns
   * of few distinct values still fit in 64 KiB and stay dictionary-encoded.
   */
  public static final Map<String, String> PROPERTIES = Map.of(PARQUET_DICT_SIZE_BYTES, "65536");

  private TableDefaults() {}

  /** Floe's defaults overlaid with the given properties (the given ones win). */
  public static Map<String, String> withDefaults(Map<String, String> given) {
    Map<String, String> properties = new LinkedHashMap<>(PROPERTIES);
    if (given != null) {
      properties.putAll(given);
    }
    return Map.copyOf(properties);
  }
}
