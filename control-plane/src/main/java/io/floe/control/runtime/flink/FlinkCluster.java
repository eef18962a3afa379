package io.floe.control.runtime.flink;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The calls on a Flink session cluster itself that the runtime makes (its JARs, their runs, its
 * configuration): the seam a fake replaces in unit tests. Failures are typed as in {@link
 * FlinkJobs}.
 */
public interface FlinkCluster {
  /** {@code GET /jobmanager/config}: the cluster's configuration, key to value. */
  Map<String, String> clusterConfiguration();

  /** {@code GET /jars}: the JARs uploaded to this cluster and still in its upload folder. */
  List<JarFile> listJars();

  /**
   * {@code POST /jars/upload}: uploads a JAR as the multipart field {@code jarfile}.
   *
   * @param jar the local file
   * @param fileName the name to store it under; it must end with .jar
   * @return the uploaded JAR's id, to run it by
   */
  String uploadJar(Path jar, String fileName);

  /**
   * {@code POST /jars/:jarid/run}: runs the JAR's main(), which submits the job. The call returns
   * once main() submitted it (or threw).
   *
   * @return the id of the submitted job
   */
  String runJar(String jarId, JarRun run);
}
