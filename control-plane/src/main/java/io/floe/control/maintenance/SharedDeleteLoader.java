package io.floe.control.maintenance;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.data.BaseDeleteLoader;
import org.apache.iceberg.io.InputFile;

/**
 * Iceberg's delete loader that reads each delete file once per rewrite: every data file of an
 * upserted partition has most of the partition's equality deletes, and Iceberg's generic delete
 * filter, which has no cache of its own, would read them again for each data file (a partition of n
 * commits cost n squared file reads). Kept for one partition's rewrite; a delete file whose
 * contents would take more than {@link #MAX_CACHED_BYTES} is read each time.
 */
final class SharedDeleteLoader extends BaseDeleteLoader {
  private static final long MAX_CACHED_BYTES = 128L * 1024 * 1024;

  private final Map<String, Object> loaded = new ConcurrentHashMap<>();

  SharedDeleteLoader(Function<DeleteFile, InputFile> inputFiles) {
    super(inputFiles);
  }

  @Override
  protected boolean canCache(long size) {
    return size <= MAX_CACHED_BYTES;
  }

  @Override
  @SuppressWarnings("unchecked")
  protected <V> V getOrLoad(String key, Supplier<V> load, long size) {
    return (V) loaded.computeIfAbsent(key, k -> load.get());
  }
}
