package io.floe.control.runtime.flink;

import static java.util.Objects.requireNonNull;

/**
 * A JAR uploaded to a Flink cluster, as {@code GET /jars} lists it.
 *
 * @param id the id to run it by: the stored file name, {@code <uuid>_<name>}
 * @param name the file name it was uploaded with
 * @param uploaded when it was uploaded, in epoch milliseconds
 */
public record JarFile(String id, String name, long uploaded) {
  public JarFile {
    requireNonNull(id, "id is null");
    requireNonNull(name, "name is null");
  }
}
