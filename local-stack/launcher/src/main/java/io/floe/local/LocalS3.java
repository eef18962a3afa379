package io.floe.local;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * An S3-compatible server (Adobe S3Mock, from Maven Central) in its own JVM, for local runs and
 * tests: path-style addressing ({@code http://localhost:port/bucket/key}), any credentials
 * accepted, objects kept as files under {@code <workDir>/data}, so buckets and objects survive a
 * restart. It serves what Iceberg's S3FileIO and the artifact store use: PUT, GET (ranged too),
 * HEAD, multipart uploads, DeleteObjects, ListObjectsV2 with prefix and pagination, and bucket
 * versioning.
 *
 * <p>The server is supervised: when it exits unasked it is started again on the same port with the
 * same data.
 */
public final class LocalS3 implements AutoCloseable {
  /** The region the server reports for its buckets. */
  public static final String REGION = "us-east-1";

  private static final String CLASSPATH = "/io/floe/local/s3-server.classpath";
  private static final Pattern STARTED = Pattern.compile("Started S3MockApplication");

  private final SupervisedProcess process;
  private final int port;
  private final Path dataDir;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private LocalS3(SupervisedProcess process, int port, Path dataDir) {
    this.process = process;
    this.port = port;
    this.dataDir = dataDir;
  }

  public static Builder builder(Path workDir) {
    return new Builder(workDir);
  }

  /** A server on a free port keeping its data under {@code workDir}. */
  public static LocalS3 start(Path workDir) {
    return builder(workDir).start();
  }

  /** Where clients send requests, e.g. http://localhost:9090 (use path-style access). */
  public URI endpoint() {
    return URI.create("http://localhost:" + port);
  }

  public int port() {
    return port;
  }

  /** Where the buckets and objects are kept. */
  public Path dataDir() {
    return dataDir;
  }

  /** Creates a bucket unless it exists. */
  public void createBucket(String bucket) {
    createBucket(bucket, false);
  }

  /** Creates a bucket unless it exists; a versioned one keeps every version of each object. */
  public void createBucket(String bucket, boolean versioned) {
    requireNonNull(bucket, "bucket is null");
    HttpResponse<String> head =
        send(HttpRequest.newBuilder(bucketUri(bucket, "")).method("HEAD", noBody()));
    if (head.statusCode() == 404) {
      expectOk(
          "CreateBucket " + bucket,
          send(HttpRequest.newBuilder(bucketUri(bucket, "")).PUT(noBody())));
    } else if (head.statusCode() != 200) {
      throw new IllegalStateException("HeadBucket " + bucket + " answered " + head.statusCode());
    }
    if (versioned) {
      String body =
          "<VersioningConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
              + "<Status>Enabled</Status></VersioningConfiguration>";
      expectOk(
          "PutBucketVersioning " + bucket,
          send(
              HttpRequest.newBuilder(bucketUri(bucket, "?versioning"))
                  .header("Content-Type", "application/xml")
                  .PUT(HttpRequest.BodyPublishers.ofString(body))));
    }
  }

  public boolean isRunning() {
    return process.isAlive();
  }

  /** The server's pid (the newest one, after a restart). */
  public long pid() {
    return process.pid();
  }

  public Path logFile() {
    return process.logFile();
  }

  /** Stops supervising the server, then stops it. */
  @Override
  public void close() {
    process.close();
  }

  private URI bucketUri(String bucket, String query) {
    return endpoint().resolve("/" + bucket + query);
  }

  private static HttpRequest.BodyPublisher noBody() {
    return HttpRequest.BodyPublishers.noBody();
  }

  private HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return http.send(
          request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot reach the S3 server at " + endpoint(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    }
  }

  private static void expectOk(String what, HttpResponse<String> response) {
    if (response.statusCode() / 100 != 2) {
      throw new IllegalStateException(
          what + " answered " + response.statusCode() + ": " + response.body());
    }
  }

  /** Options of a local S3 server. */
  public static final class Builder {
    private final Path workDir;
    private int port;
    private RestartPolicy restartPolicy = RestartPolicy.DEFAULT;
    private Consumer<ProcessRestart> onRestart = restart -> {};

    private Builder(Path workDir) {
      this.workDir = requireNonNull(workDir, "workDir is null");
    }

    /** The HTTP port; by default a free one. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** When a server that exited unasked is started again. */
    public Builder restartPolicy(RestartPolicy policy) {
      this.restartPolicy = requireNonNull(policy, "policy is null");
      return this;
    }

    /** Told of each restart of the server after it exited unasked, in a thread of its own. */
    public Builder onRestart(Consumer<ProcessRestart> listener) {
      this.onRestart = requireNonNull(listener, "listener is null");
      return this;
    }

    public LocalS3 start() {
      try {
        Files.createDirectories(workDir);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot create " + workDir, e);
      }
      List<String> classpath = LocalProcess.recordedClasspath(CLASSPATH);
      List<Integer> ports = LocalProcess.freePorts(2, port > 0 ? Set.of(port) : Set.of());
      int httpPort = port > 0 ? port : ports.get(1);
      // S3Mock always opens an HTTPS connector as well; nothing here uses it.
      int httpsPort = ports.get(0);
      Path dataDir = workDir.resolve("data");
      List<String> args =
          List.of(
              "--com.adobe.testing.s3mock.httpPort=" + httpPort,
              "--server.port=" + httpsPort,
              "--server.address=localhost",
              "--com.adobe.testing.s3mock.store.root=" + dataDir,
              "--com.adobe.testing.s3mock.store.retainFilesOnExit=true",
              "--com.adobe.testing.s3mock.store.region=" + REGION,
              "--spring.main.banner-mode=off",
              "--logging.level.root=WARN",
              "--logging.level.com.adobe.testing.s3mock.S3MockApplication=INFO");
      SupervisedProcess process =
          SupervisedProcess.start(
              "s3",
              () ->
                  LocalProcess.start(
                      "s3",
                      classpath,
                      List.of("-Xms64m", "-Xmx384m", "-XX:TieredStopAtLevel=1"),
                      "com.adobe.testing.s3mock.S3MockApplication",
                      args,
                      workDir.resolve("s3.log")),
              started -> {
                started.awaitLog(STARTED, Duration.ofSeconds(90));
                started.awaitPort(httpPort, Duration.ofSeconds(30));
              },
              restartPolicy,
              onRestart);
      return new LocalS3(process, httpPort, dataDir);
    }
  }
}
