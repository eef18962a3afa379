package io.floe.control.maintenance;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.StructLike;

/**
 * Reads time out of partitions made by the year, month, day and hour transforms: compaction takes
 * recent partitions first, retention drops whole partitions by aligning its cutoff to them.
 */
final class PartitionTimes {
  private static final List<String> TIME_TRANSFORMS = List.of("hour", "day", "month", "year");

  private PartitionTimes() {}

  /** When the partition's time range ends, if the spec has a time transform and a value for it. */
  static Optional<Instant> end(PartitionSpec spec, StructLike partition) {
    List<PartitionField> fields = spec.fields();
    for (int i = 0; i < fields.size(); i++) {
      String transform = fields.get(i).transform().toString();
      if (TIME_TRANSFORMS.contains(transform)) {
        Integer ordinal = partition.get(i, Integer.class);
        if (ordinal != null) {
          return Optional.of(start(transform, ordinal + 1L));
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The start of the time-transform partition that contains {@code instant}, when the spec
   * partitions by a time transform of the column with this source id; else the instant itself.
   */
  static Instant alignDown(PartitionSpec spec, int sourceId, Instant instant) {
    for (PartitionField field : spec.fields()) {
      String transform = field.transform().toString();
      if (field.sourceId() == sourceId && TIME_TRANSFORMS.contains(transform)) {
        return start(transform, ordinal(transform, instant));
      }
    }
    return instant;
  }

  private static long ordinal(String transform, Instant instant) {
    LocalDate date = instant.atOffset(ZoneOffset.UTC).toLocalDate();
    switch (transform) {
      case "hour":
        return Math.floorDiv(instant.getEpochSecond(), 3600);
      case "day":
        return date.toEpochDay();
      case "month":
        return ChronoUnit.MONTHS.between(LocalDate.EPOCH, date.withDayOfMonth(1));
      default:
        return date.getYear() - 1970L;
    }
  }

  private static Instant start(String transform, long ordinal) {
    switch (transform) {
      case "hour":
        return Instant.ofEpochSecond(ordinal * 3600);
      case "day":
        return LocalDate.ofEpochDay(ordinal).atStartOfDay(ZoneOffset.UTC).toInstant();
      case "month":
        return LocalDate.EPOCH.plusMonths(ordinal).atStartOfDay(ZoneOffset.UTC).toInstant();
      default:
        return LocalDate.EPOCH.plusYears(ordinal).atStartOfDay(ZoneOffset.UTC).toInstant();
    }
  }
}
