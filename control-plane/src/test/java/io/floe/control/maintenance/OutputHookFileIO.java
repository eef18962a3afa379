package io.floe.control.maintenance;

import java.util.concurrent.atomic.AtomicReference;
import org.apache.iceberg.hadoop.HadoopFileIO;
import org.apache.iceberg.io.OutputFile;

/**
 * Hadoop's file IO (a table's {@code io-impl}) that runs an action once, when a file whose name
 * contains a marker is next created: another writer committing while compaction, which names its
 * files after its task, is between planning and its commit.
 */
public final class OutputHookFileIO extends HadoopFileIO {
  private static final AtomicReference<Hook> NEXT = new AtomicReference<>();

  private record Hook(String marker, Runnable action) {}

  static void onNextFileNamed(String marker, Runnable action) {
    NEXT.set(new Hook(marker, action));
  }

  @Override
  public OutputFile newOutputFile(String path) {
    Hook hook = NEXT.get();
    if (hook != null && path.contains(hook.marker()) && NEXT.compareAndSet(hook, null)) {
      hook.action().run();
    }
    return super.newOutputFile(path);
  }
}
