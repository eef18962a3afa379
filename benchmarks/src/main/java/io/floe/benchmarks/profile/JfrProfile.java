package io.floe.benchmarks.profile;

import static java.util.Objects.requireNonNull;

import io.floe.benchmarks.process.Jcmd;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * A JFR recording of the TaskManager during a loader run, started and stopped with {@code jcmd}
 * (JDK only, no agent), and what its execution samples say: the methods on top of the stack most
 * often, and the share of samples per area of the data path.
 */
public final class JfrProfile {
  /** Areas, checked from the top frame down: the first frame in one of these decides. */
  static final Map<String, List<String>> AREAS = areas();

  private static final String RECORDING = "floe-benchmark";
  private static final String COMPRESSION = "compression (Parquet codecs)";

  private final long pid;
  private final Path file;

  private JfrProfile(long pid, Path file) {
    this.pid = pid;
    this.file = file;
  }

  /** Starts recording with the JDK's {@code profile} settings (20 ms method sampling). */
  public static JfrProfile start(long pid, Path file) {
    requireNonNull(file, "file is null");
    Jcmd.run(pid, "JFR.start", "name=" + RECORDING, "settings=profile", "filename=" + file);
    return new JfrProfile(pid, file);
  }

  /** Stops recording, writes the file and summarises it. */
  public Summary stop() {
    Jcmd.run(pid, "JFR.stop", "name=" + RECORDING);
    return summarise(file);
  }

  /** A method or area and its number of samples. */
  public record Entry(String name, long samples) {}

  /** The top methods by self samples, the samples per area, and the total. */
  public record Summary(Path file, long samples, List<Entry> topMethods, List<Entry> areas) {
    public double share(long count) {
      return samples == 0 ? 0 : 100.0 * count / samples;
    }
  }

  static Summary summarise(Path file) {
    Map<String, Long> methods = new HashMap<>();
    Map<String, Long> areas = new LinkedHashMap<>();
    AREAS.keySet().forEach(area -> areas.put(area, 0L));
    areas.put("other", 0L);
    long samples = 0;
    try (RecordingFile recording = new RecordingFile(file)) {
      while (recording.hasMoreEvents()) {
        RecordedEvent event = recording.readEvent();
        String type = event.getEventType().getName();
        boolean nativeSample = type.equals("jdk.NativeMethodSample");
        if (!type.equals("jdk.ExecutionSample") && !nativeSample) {
          continue;
        }
        RecordedStackTrace stack = event.getStackTrace();
        if (stack == null || stack.getFrames().isEmpty()) {
          continue;
        }
        // Native samples count only inside a compression library: the rest are threads waiting
        // in native code (sockets, epoll), not work.
        if (nativeSample
            && !COMPRESSION.equals(
                areaOf(stack.getFrames().get(0).getMethod().getType().getName()))) {
          continue;
        }
        samples++;
        List<RecordedFrame> frames = stack.getFrames();
        RecordedFrame top = frames.get(0);
        methods.merge(
            top.getMethod().getType().getName() + "." + top.getMethod().getName(), 1L, Long::sum);
        areas.merge(area(frames), 1L, Long::sum);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the recording " + file, e);
    }
    List<Entry> top =
        methods.entrySet().stream()
            .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
            .limit(15)
            .map(e -> new Entry(e.getKey(), e.getValue()))
            .toList();
    List<Entry> byArea =
        areas.entrySet().stream()
            .map(e -> new Entry(e.getKey(), e.getValue()))
            .sorted(Comparator.comparingLong(Entry::samples).reversed())
            .toList();
    return new Summary(file, samples, top, byArea);
  }

  static String area(List<RecordedFrame> frames) {
    for (RecordedFrame frame : frames) {
      String type = frame.getMethod().getType().getName();
      String area = areaOf(type);
      if (area != null) {
        return area;
      }
    }
    return "other";
  }

  /** The area of a class, or null when the class says nothing (java.*, jdk.*, ...). */
  static String areaOf(String className) {
    for (Map.Entry<String, List<String>> area : AREAS.entrySet()) {
      for (String prefix : area.getValue()) {
        if (className.startsWith(prefix)) {
          return area.getKey();
        }
      }
    }
    return null;
  }

  private static Map<String, List<String>> areas() {
    Map<String, List<String>> areas = new LinkedHashMap<>();
    areas.put(
        "JSON parse (loader parser, Jackson)",
        List.of("io.floe.loader.parse.", "com.fasterxml.jackson."));
    areas.put(
        COMPRESSION,
        List.of(
            "org.apache.parquet.hadoop.codec.",
            "org.apache.iceberg.shaded.org.apache.parquet.hadoop.codec.",
            "io.airlift.compress.",
            "com.github.luben.zstd.",
            "org.xerial.snappy.",
            "org.apache.iceberg.shaded.io.airlift.",
            "org.apache.hadoop.io.compress."));
    areas.put(
        "Parquet encoding (columns, pages, dictionaries, statistics)",
        List.of(
            "org.apache.parquet.column.",
            "org.apache.parquet.bytes.",
            "org.apache.parquet.schema.",
            "org.apache.parquet.io.",
            "org.apache.iceberg.shaded.org.apache.parquet.column.",
            "org.apache.iceberg.shaded.org.apache.parquet.bytes.",
            "org.apache.iceberg.shaded.org.apache.parquet.schema.",
            "org.apache.iceberg.shaded.org.apache.parquet.io."));
    areas.put(
        "Iceberg writer (RowData to Parquet, metrics, files)",
        List.of("org.apache.iceberg.", "org.apache.parquet.", "org.apache.flink.table.data."));
    areas.put(
        "Kafka client (fetch, decompress, records)",
        List.of("org.apache.kafka.", "net.jpountz.", "org.apache.flink.connector.kafka."));
    areas.put("Floe loader (operator, other)", List.of("io.floe."));
    areas.put("Flink runtime (network, mailbox, checkpoints)", List.of("org.apache.flink."));
    return areas;
  }
}
