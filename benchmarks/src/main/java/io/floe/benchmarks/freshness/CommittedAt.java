package io.floe.benchmarks.freshness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.StreamSupport;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.parquet.Parquet;

/**
 * For every row of a table, the commit that made it visible: each snapshot's added data files are
 * read (columns {@code id} and {@code timestamp} only), and each row's latency is the snapshot's
 * commit time minus the row's {@code timestamp} (the instant its message was produced).
 */
public final class CommittedAt {
  private CommittedAt() {}

  /** The latencies of rows produced at or after {@code from}, and the data files of all commits. */
  public record Result(double[] latencyMillis, long rowsRead, long dataFiles, int commits) {}

  public static Result read(Table table, Instant from) {
    table.refresh();
    Schema projection = table.schema().select("id", "timestamp");
    List<Snapshot> snapshots =
        StreamSupport.stream(table.snapshots().spliterator(), false)
            .sorted(Comparator.comparingLong(Snapshot::sequenceNumber))
            .toList();
    List<Double> latencies = new ArrayList<>();
    long rows = 0;
    long files = 0;
    int commits = 0;
    long fromMicros = ChronoUnit.MICROS.between(Instant.EPOCH, from);
    for (Snapshot snapshot : snapshots) {
      long commitMicros = snapshot.timestampMillis() * 1000;
      boolean added = false;
      for (DataFile file : snapshot.addedDataFiles(table.io())) {
        files++;
        added = true;
        try (CloseableIterable<Record> records =
            Parquet.read(table.io().newInputFile(file.location()))
                .project(projection)
                .createReaderFunc(
                    fileSchema -> GenericParquetReaders.buildReader(projection, fileSchema))
                .build()) {
          for (Record record : records) {
            rows++;
            OffsetDateTime produced = (OffsetDateTime) record.getField("timestamp");
            long producedMicros = ChronoUnit.MICROS.between(Instant.EPOCH, produced.toInstant());
            if (producedMicros >= fromMicros) {
              latencies.add((commitMicros - producedMicros) / 1000.0);
            }
          }
        } catch (IOException e) {
          throw new UncheckedIOException("Cannot read " + file.location(), e);
        }
      }
      if (added) {
        commits++;
      }
    }
    double[] millis = new double[latencies.size()];
    for (int i = 0; i < millis.length; i++) {
      millis[i] = latencies.get(i);
    }
    return new Result(millis, rows, files, commits);
  }
}
