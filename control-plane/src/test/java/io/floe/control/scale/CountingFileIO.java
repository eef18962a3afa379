package io.floe.control.scale;

import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;

/**
 * The warehouse's file system as the control plane's catalog reaches it, counting what would be
 * object-store requests on S3: a file opened for reading (metadata JSON, manifest lists,
 * manifests), written or deleted. Named by the catalog's {@code io-impl}.
 */
public class CountingFileIO extends LocalFileIO {
  /** Where the calls are counted: set by the benchmark before the catalog opens. */
  static volatile CallCounts calls = new CallCounts();

  public CountingFileIO() {}

  @Override
  public InputFile newInputFile(String path) {
    calls.count("object store", "read " + kind(path));
    return super.newInputFile(path);
  }

  @Override
  public InputFile newInputFile(String path, long length) {
    calls.count("object store", "read " + kind(path));
    return super.newInputFile(path, length);
  }

  @Override
  public OutputFile newOutputFile(String path) {
    calls.count("object store", "write " + kind(path));
    return super.newOutputFile(path);
  }

  @Override
  public void deleteFile(String path) {
    calls.count("object store", "delete " + kind(path));
    super.deleteFile(path);
  }

  /** What kind of file: table metadata, manifest list, manifest or data. */
  static String kind(String path) {
    String name = path.substring(path.lastIndexOf('/') + 1);
    if (name.endsWith(".metadata.json")) {
      return "metadata";
    }
    if (name.startsWith("snap-") && name.endsWith(".avro")) {
      return "manifest list";
    }
    if (name.endsWith(".avro")) {
      return "manifest";
    }
    return "data";
  }
}
