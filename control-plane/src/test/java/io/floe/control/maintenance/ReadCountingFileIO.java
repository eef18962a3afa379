package io.floe.control.maintenance;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.iceberg.hadoop.HadoopFileIO;
import org.apache.iceberg.io.InputFile;

/** Hadoop's file IO (a table's {@code io-impl}) that counts how often each file is opened. */
public final class ReadCountingFileIO extends HadoopFileIO {
  private static final Map<String, AtomicInteger> READS = new ConcurrentHashMap<>();

  static void reset() {
    READS.clear();
  }

  static int reads(String path) {
    AtomicInteger reads = READS.get(path);
    return reads == null ? 0 : reads.get();
  }

  @Override
  public InputFile newInputFile(String path) {
    READS.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
    return super.newInputFile(path);
  }

  @Override
  public InputFile newInputFile(String path, long length) {
    READS.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
    return super.newInputFile(path, length);
  }
}
