package io.floe.control.maintenance;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.iceberg.hadoop.HadoopFileIO;
import org.apache.iceberg.io.FileInfo;

/**
 * Hadoop's file IO (a table's {@code io-impl}) that runs an action once, right after its next
 * listing: another writer acting between orphan cleanup's listing and the rest of its run.
 */
public final class ListingHookFileIO extends HadoopFileIO {
  private static final AtomicReference<Runnable> AFTER_NEXT_LISTING = new AtomicReference<>();

  static void afterNextListing(Runnable action) {
    AFTER_NEXT_LISTING.set(action);
  }

  @Override
  public Iterable<FileInfo> listPrefix(String prefix) {
    List<FileInfo> listed = new ArrayList<>();
    super.listPrefix(prefix).forEach(listed::add);
    Runnable action = AFTER_NEXT_LISTING.getAndSet(null);
    if (action != null) {
      action.run();
    }
    return listed;
  }
}
