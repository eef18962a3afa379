package io.floe.control.scale;

import static java.util.Objects.requireNonNull;

import io.floe.loader.summary.CommitSummary;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * Commits to every pipeline's table at a steady rate, as a loader does once per flush interval: a
 * small snapshot whose summary carries the loader's keys (pipeline, records, offsets, newest record
 * time), so that the health monitor reads real commits. The commits are spread over the interval,
 * so the catalog sees a steady stream. The data files are named, not written: health reads only
 * snapshot summaries, and nothing reads the rows.
 */
final class SteadyCommits implements AutoCloseable {
  private final ScheduledExecutorService threads;
  private final AtomicLong commits = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();

  private SteadyCommits(ScheduledExecutorService threads) {
    this.threads = threads;
  }

  /** One pipeline and its table. */
  record Target(String pipeline, TableIdentifier table, String topic) {}

  /** Starts committing to each target's table every {@code every}, in {@code catalog}. */
  static SteadyCommits start(Catalog catalog, List<Target> targets, Duration every) {
    requireNonNull(catalog, "catalog is null");
    AtomicInteger count = new AtomicInteger();
    ScheduledExecutorService threads =
        Executors.newScheduledThreadPool(
            2,
            task -> {
              Thread thread = new Thread(task, "bench-writer-" + count.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    SteadyCommits writer = new SteadyCommits(threads);
    long period = every.toMillis();
    for (int i = 0; i < targets.size(); i++) {
      Target target = targets.get(i);
      long offset = period * i / targets.size();
      AtomicLong records = new AtomicLong();
      threads.scheduleAtFixedRate(
          () -> writer.commit(catalog, target, records), offset, period, TimeUnit.MILLISECONDS);
    }
    return writer;
  }

  private void commit(Catalog catalog, Target target, AtomicLong records) {
    try {
      Table table = catalog.loadTable(target.table());
      long added = 1_000;
      long total = records.addAndGet(added);
      long sequence = commits.incrementAndGet();
      DataFile file =
          DataFiles.builder(table.spec())
              .withPath(table.location() + "/data/bench-" + sequence + ".parquet")
              .withFormat(FileFormat.PARQUET)
              .withFileSizeInBytes(64 * 1024)
              .withRecordCount(added)
              .build();
      table
          .newFastAppend()
          .appendFile(file)
          .set(CommitSummary.PIPELINE, target.pipeline())
          .set(CommitSummary.RECORDS_WRITTEN, Long.toString(added))
          .set(CommitSummary.RECORDS_DEAD_LETTERED, "0")
          .set(CommitSummary.RECORDS_SKIPPED, "0")
          .set(CommitSummary.SCHEMA_ID, Integer.toString(table.schema().schemaId()))
          .set(CommitSummary.MAX_RECORD_TIMESTAMP, Long.toString(System.currentTimeMillis()))
          .set(
              CommitSummary.KAFKA_OFFSETS,
              CommitSummary.formatOffsets(Map.of(target.topic() + ":0", total)))
          .commit();
    } catch (RuntimeException e) {
      failures.incrementAndGet();
    }
  }

  long commits() {
    return commits.get();
  }

  long failures() {
    return failures.get();
  }

  @Override
  public void close() {
    threads.shutdownNow();
  }
}
