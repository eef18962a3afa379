package io.floe.testing.aws;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import java.util.zip.Checksum;

/**
 * Amazon S3's REST API on localhost, path-style ({@code http://host:port/bucket/key}), for one
 * account and one region, with object versioning as S3 documents it: while a bucket's versioning is
 * Enabled every PUT creates a new version with its own id (returned in {@code x-amz-version-id}), a
 * GET or HEAD without {@code versionId} reads the newest, a DELETE without one adds a delete
 * marker, and a DELETE with one removes that version for good; in a bucket that was never versioned
 * the only version is {@code null}. Tests reach it through the real {@code S3Client} with {@code
 * endpointOverride(endpoint())} and {@code forcePathStyle(true)}. Uploads in the SDK's {@code
 * aws-chunked} encoding (signed or unsigned, with trailing checksums) are decoded, and checksums
 * the client sends (Content-MD5, CRC32, CRC32C, SHA-1, SHA-256) are verified. Object content lives
 * in files under a directory, so large JARs do not fill the heap.
 *
 * <p>Implemented: ListBuckets, CreateBucket, HeadBucket, DeleteBucket, Get/PutBucketVersioning,
 * ListObjectsV2 (prefix only), ListObjectVersions (prefix only), PutObject, GetObject (with a
 * single byte range), HeadObject, DeleteObject, DeleteObjects. Not modelled: multipart uploads,
 * ACLs and policies (every signed request is allowed), encryption, object lock, pagination of
 * listings.
 */
public final class FakeS3 implements AutoCloseable {
  /** The region the fake's buckets live in. */
  public static final String REGION = "us-east-1";

  private static final DateTimeFormatter HTTP_DATE =
      DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter ISO_DATE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final String XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/";

  private final Path dir;
  private final Clock clock;
  private final HttpServer http;
  private final ExecutorService executor;
  private final AtomicLong fileIds = new AtomicLong();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  // Guarded by this.
  private final Map<String, Bucket> buckets = new TreeMap<>();

  /**
   * One request the fake received and how it answered.
   *
   * @param method the HTTP method
   * @param bucket the bucket, empty for the service
   * @param key the object key, empty for bucket requests
   * @param query the decoded query parameters
   * @param status the HTTP status of the answer
   * @param errorCode the S3 error code, when it answered with an error
   * @param versionId the version the request read, wrote or deleted, if any
   */
  public record Request(
      String method,
      String bucket,
      String key,
      Map<String, String> query,
      int status,
      Optional<String> errorCode,
      Optional<String> versionId) {
    public Request {
      requireNonNull(method, "method is null");
      requireNonNull(bucket, "bucket is null");
      requireNonNull(key, "key is null");
      query = Map.copyOf(query);
      requireNonNull(errorCode, "errorCode is null");
      requireNonNull(versionId, "versionId is null");
    }
  }

  /** One stored version of an object, or a delete marker. */
  public record ObjectVersion(
      String key,
      String versionId,
      boolean deleteMarker,
      long size,
      String etag,
      Instant lastModified,
      String contentType,
      Path file) {}

  private FakeS3(Path dir, Clock clock) throws IOException {
    this.dir = Files.createDirectories(requireNonNull(dir, "dir is null"));
    this.clock = requireNonNull(clock, "clock is null");
    this.executor =
        Executors.newCachedThreadPool(
            task -> {
              Thread thread = new Thread(task, "fake-s3");
              thread.setDaemon(true);
              return thread;
            });
    this.http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.createContext("/", this::exchange);
    http.setExecutor(executor);
    http.start();
  }

  /** Serves an empty S3 whose objects are stored under {@code dir}. */
  public static FakeS3 start(Path dir) {
    try {
      return new FakeS3(dir, Clock.systemUTC());
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the fake S3", e);
    }
  }

  /** The URI for the client builder's {@code endpointOverride}; use path-style access. */
  public URI endpoint() {
    InetSocketAddress address = http.getAddress();
    return URI.create("http://" + address.getHostString() + ":" + address.getPort());
  }

  /** Creates a bucket directly (as a test's setup would in the console), optionally versioned. */
  public synchronized void createBucket(String name, boolean versioned) {
    Bucket bucket = buckets.computeIfAbsent(name, Bucket::new);
    if (versioned) {
      bucket.versioning = "Enabled";
    }
  }

  /** The versions of a key, oldest first, delete markers included. */
  public synchronized List<ObjectVersion> versions(String bucket, String key) {
    Bucket found = buckets.get(bucket);
    if (found == null) {
      return List.of();
    }
    return List.copyOf(found.objects.getOrDefault(key, List.of()));
  }

  /** The content of a version (the newest when {@code versionId} is empty). */
  public synchronized Path contentFile(String bucket, String key, Optional<String> versionId) {
    Bucket found = buckets.get(bucket);
    List<ObjectVersion> versions =
        found == null ? List.of() : found.objects.getOrDefault(key, List.of());
    Optional<ObjectVersion> version =
        versionId.isPresent()
            ? versions.stream().filter(v -> v.versionId().equals(versionId.get())).findFirst()
            : versions.isEmpty()
                ? Optional.empty()
                : Optional.of(versions.get(versions.size() - 1));
    return version
        .filter(v -> !v.deleteMarker())
        .map(ObjectVersion::file)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "no object s3://"
                        + bucket
                        + "/"
                        + key
                        + versionId.map(v -> "@" + v).orElse("")));
  }

  /** Every request received so far, oldest first. */
  public List<Request> requests() {
    return List.copyOf(requests);
  }

  public void clearRequests() {
    requests.clear();
  }

  @Override
  public void close() {
    http.stop(0);
    executor.shutdownNow();
  }

  private void exchange(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      String rawPath = exchange.getRequestURI().getRawPath();
      Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
      String path = rawPath.startsWith("/") ? rawPath.substring(1) : rawPath;
      int slash = path.indexOf('/');
      String bucket = decode(slash < 0 ? path : path.substring(0, slash));
      String key = slash < 0 ? "" : decode(path.substring(slash + 1));
      Response response;
      try {
        if (exchange.getRequestHeaders().getFirst("Authorization") == null) {
          throw new S3Error(403, "AccessDenied", "Anonymous access is not allowed");
        }
        response = route(exchange, method, bucket, key, query);
      } catch (S3Error e) {
        response = Response.error(e, bucket, key);
      } catch (RuntimeException e) {
        response =
            Response.error(new S3Error(500, "InternalError", "the fake failed: " + e), bucket, key);
      }
      // Whatever the handler left unread must not be taken for the next request.
      exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
      requests.add(
          new Request(
              method,
              bucket,
              key,
              query,
              response.status,
              response.errorCode,
              Optional.ofNullable(response.headers.get("x-amz-version-id"))));
      respond(exchange, method, response);
    }
  }

  private Response route(
      HttpExchange exchange, String method, String bucket, String key, Map<String, String> query)
      throws IOException {
    if (bucket.isEmpty()) {
      if (method.equals("GET")) {
        return listBuckets();
      }
      throw new S3Error(405, "MethodNotAllowed", method + " is not allowed on the service");
    }
    if (key.isEmpty()) {
      switch (method) {
        case "PUT":
          if (query.containsKey("versioning")) {
            return putBucketVersioning(bucket, readSmallBody(exchange));
          }
          return createBucket(bucket);
        case "GET":
          if (query.containsKey("versioning")) {
            return getBucketVersioning(bucket);
          }
          if (query.containsKey("versions")) {
            return listObjectVersions(bucket, query.getOrDefault("prefix", ""));
          }
          if (query.containsKey("location")) {
            existing(bucket);
            return Response.xml(
                200, "<LocationConstraint xmlns=\"" + XMLNS + "\"></LocationConstraint>");
          }
          return listObjects(bucket, query.getOrDefault("prefix", ""));
        case "HEAD":
          existing(bucket);
          return Response.empty(200).header("x-amz-bucket-region", REGION);
        case "DELETE":
          return deleteBucket(bucket);
        case "POST":
          if (query.containsKey("delete")) {
            return deleteObjects(bucket, readSmallBody(exchange));
          }
          throw new S3Error(501, "NotImplemented", "this POST is not implemented by the fake");
        default:
          throw new S3Error(405, "MethodNotAllowed", method + " is not allowed on a bucket");
      }
    }
    switch (method) {
      case "PUT":
        if (exchange.getRequestHeaders().getFirst("x-amz-copy-source") != null
            || query.containsKey("uploadId")) {
          throw new S3Error(501, "NotImplemented", "copies and multipart uploads are not faked");
        }
        return putObject(exchange, bucket, key);
      case "GET":
        return getObject(exchange, bucket, key, Optional.ofNullable(query.get("versionId")), true);
      case "HEAD":
        return getObject(exchange, bucket, key, Optional.ofNullable(query.get("versionId")), false);
      case "DELETE":
        return deleteObject(bucket, key, Optional.ofNullable(query.get("versionId")));
      default:
        throw new S3Error(501, "NotImplemented", method + " on an object is not implemented");
    }
  }

  private synchronized Response listBuckets() {
    StringBuilder xml =
        new StringBuilder("<ListAllMyBucketsResult xmlns=\"" + XMLNS + "\"><Owner><ID>fake</ID>")
            .append("</Owner><Buckets>");
    for (Bucket bucket : buckets.values()) {
      xml.append("<Bucket><Name>")
          .append(escape(bucket.name))
          .append("</Name><CreationDate>")
          .append(ISO_DATE.format(bucket.created))
          .append("</CreationDate></Bucket>");
    }
    return Response.xml(200, xml.append("</Buckets></ListAllMyBucketsResult>").toString());
  }

  private synchronized Response createBucket(String name) {
    if (!name.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
      throw new S3Error(400, "InvalidBucketName", "The specified bucket is not valid.");
    }
    if (buckets.containsKey(name)) {
      throw new S3Error(
          409,
          "BucketAlreadyOwnedByYou",
          "Your previous request to create the named bucket succeeded and you already own it.");
    }
    buckets.put(name, new Bucket(name));
    return Response.empty(200).header("Location", "/" + name);
  }

  private synchronized Response deleteBucket(String name) {
    Bucket bucket = existing(name);
    if (!bucket.objects.isEmpty()) {
      throw new S3Error(409, "BucketNotEmpty", "The bucket you tried to delete is not empty");
    }
    buckets.remove(name);
    return Response.empty(204);
  }

  private synchronized Response putBucketVersioning(String name, String body) {
    Bucket bucket = existing(name);
    String status = between(body, "<Status>", "</Status>").orElse("");
    if (!status.equals("Enabled") && !status.equals("Suspended")) {
      throw new S3Error(400, "MalformedXML", "The versioning Status must be Enabled or Suspended");
    }
    bucket.versioning = status;
    return Response.empty(200);
  }

  private synchronized Response getBucketVersioning(String name) {
    Bucket bucket = existing(name);
    String status = bucket.versioning == null ? "" : "<Status>" + bucket.versioning + "</Status>";
    return Response.xml(
        200,
        "<VersioningConfiguration xmlns=\""
            + XMLNS
            + "\">"
            + status
            + "</VersioningConfiguration>");
  }

  private synchronized Response listObjects(String name, String prefix) {
    Bucket bucket = existing(name);
    StringBuilder xml =
        new StringBuilder("<ListBucketResult xmlns=\"" + XMLNS + "\"><Name>")
            .append(escape(name))
            .append("</Name><Prefix>")
            .append(escape(prefix))
            .append("</Prefix><IsTruncated>false</IsTruncated>");
    int count = 0;
    for (Map.Entry<String, List<ObjectVersion>> entry : bucket.objects.entrySet()) {
      ObjectVersion latest = entry.getValue().get(entry.getValue().size() - 1);
      if (!entry.getKey().startsWith(prefix) || latest.deleteMarker()) {
        continue;
      }
      count++;
      xml.append("<Contents><Key>")
          .append(escape(entry.getKey()))
          .append("</Key><LastModified>")
          .append(ISO_DATE.format(latest.lastModified()))
          .append("</LastModified><ETag>&quot;")
          .append(latest.etag())
          .append("&quot;</ETag><Size>")
          .append(latest.size())
          .append("</Size><StorageClass>STANDARD</StorageClass></Contents>");
    }
    xml.append("<KeyCount>").append(count).append("</KeyCount><MaxKeys>1000</MaxKeys>");
    return Response.xml(200, xml.append("</ListBucketResult>").toString());
  }

  private synchronized Response listObjectVersions(String name, String prefix) {
    Bucket bucket = existing(name);
    StringBuilder xml =
        new StringBuilder("<ListVersionsResult xmlns=\"" + XMLNS + "\"><Name>")
            .append(escape(name))
            .append("</Name><Prefix>")
            .append(escape(prefix))
            .append("</Prefix><IsTruncated>false</IsTruncated>");
    for (Map.Entry<String, List<ObjectVersion>> entry : bucket.objects.entrySet()) {
      if (!entry.getKey().startsWith(prefix)) {
        continue;
      }
      List<ObjectVersion> versions = entry.getValue();
      for (int i = versions.size() - 1; i >= 0; i--) {
        ObjectVersion version = versions.get(i);
        String element = version.deleteMarker() ? "DeleteMarker" : "Version";
        xml.append('<')
            .append(element)
            .append("><Key>")
            .append(escape(version.key()))
            .append("</Key><VersionId>")
            .append(version.versionId())
            .append("</VersionId><IsLatest>")
            .append(i == versions.size() - 1)
            .append("</IsLatest><LastModified>")
            .append(ISO_DATE.format(version.lastModified()))
            .append("</LastModified>");
        if (!version.deleteMarker()) {
          xml.append("<ETag>&quot;")
              .append(version.etag())
              .append("&quot;</ETag><Size>")
              .append(version.size())
              .append("</Size><StorageClass>STANDARD</StorageClass>");
        }
        xml.append("</").append(element).append('>');
      }
    }
    return Response.xml(200, xml.append("</ListVersionsResult>").toString());
  }

  private Response putObject(HttpExchange exchange, String bucketName, String key)
      throws IOException {
    synchronized (this) {
      existing(bucketName);
    }
    Headers headers = exchange.getRequestHeaders();
    Path file = dir.resolve("object-" + fileIds.incrementAndGet());
    Upload upload;
    try (OutputStream out = Files.newOutputStream(file)) {
      upload = Upload.read(exchange.getRequestBody(), headers, out);
    } catch (S3Error e) {
      Files.deleteIfExists(file);
      throw e;
    }
    String contentType =
        Optional.ofNullable(headers.getFirst("Content-Type")).orElse("binary/octet-stream");
    synchronized (this) {
      Bucket bucket = existing(bucketName);
      String versionId =
          "Enabled".equals(bucket.versioning)
              ? UUID.randomUUID().toString().replace("-", "")
              : "null";
      ObjectVersion version =
          new ObjectVersion(
              key,
              versionId,
              false,
              upload.size,
              upload.md5Hex,
              clock.instant(),
              contentType,
              file);
      bucket.add(version);
      Response response = Response.empty(200).header("ETag", "\"" + upload.md5Hex + "\"");
      upload.checksums.forEach(response::header);
      if (bucket.versioning != null) {
        response.header("x-amz-version-id", versionId);
      }
      return response;
    }
  }

  private Response getObject(
      HttpExchange exchange,
      String bucketName,
      String key,
      Optional<String> versionId,
      boolean body)
      throws IOException {
    ObjectVersion version;
    boolean versioned;
    synchronized (this) {
      Bucket bucket = existing(bucketName);
      versioned = bucket.versioning != null;
      List<ObjectVersion> versions = bucket.objects.getOrDefault(key, List.of());
      if (versionId.isPresent()) {
        version =
            versions.stream()
                .filter(v -> v.versionId().equals(versionId.get()))
                .findFirst()
                .orElseThrow(
                    () ->
                        new S3Error(404, "NoSuchVersion", "The specified version does not exist."));
        if (version.deleteMarker()) {
          throw new S3Error(405, "MethodNotAllowed", "The specified method is not allowed")
              .header("x-amz-delete-marker", "true");
        }
      } else {
        if (versions.isEmpty()) {
          throw new S3Error(404, "NoSuchKey", "The specified key does not exist.");
        }
        version = versions.get(versions.size() - 1);
        if (version.deleteMarker()) {
          throw new S3Error(404, "NoSuchKey", "The specified key does not exist.")
              .header("x-amz-delete-marker", "true");
        }
      }
    }
    long from = 0;
    long to = version.size() - 1;
    int status = 200;
    String range = exchange.getRequestHeaders().getFirst("Range");
    if (range != null && range.startsWith("bytes=")) {
      String[] bounds = range.substring(6).split("-", -1);
      if (bounds[0].isEmpty()) {
        from = Math.max(0, version.size() - Long.parseLong(bounds[1]));
      } else {
        from = Long.parseLong(bounds[0]);
        if (!bounds[1].isEmpty()) {
          to = Math.min(to, Long.parseLong(bounds[1]));
        }
      }
      if (from >= version.size()) {
        throw new S3Error(416, "InvalidRange", "The requested range is not satisfiable");
      }
      status = 206;
    }
    Response response =
        Response.file(status, version.file(), from, to - from + 1, body)
            .header("ETag", "\"" + version.etag() + "\"")
            .header("Last-Modified", HTTP_DATE.format(version.lastModified()))
            .header("Content-Type", version.contentType())
            .header("Accept-Ranges", "bytes");
    if (status == 206) {
      response.header("Content-Range", "bytes " + from + "-" + to + "/" + version.size());
    }
    if (versioned) {
      response.header("x-amz-version-id", version.versionId());
    }
    return response;
  }

  private synchronized Response deleteObject(
      String bucketName, String key, Optional<String> versionId) {
    Bucket bucket = existing(bucketName);
    Response response = Response.empty(204);
    if (versionId.isPresent()) {
      List<ObjectVersion> versions = bucket.objects.get(key);
      if (versions != null) {
        versions.removeIf(v -> v.versionId().equals(versionId.get()));
        if (versions.isEmpty()) {
          bucket.objects.remove(key);
        }
      }
      return response.header("x-amz-version-id", versionId.get());
    }
    if ("Enabled".equals(bucket.versioning)) {
      String markerId = UUID.randomUUID().toString().replace("-", "");
      bucket.add(
          new ObjectVersion(key, markerId, true, 0, "", clock.instant(), "", dir.resolve("none")));
      return response.header("x-amz-version-id", markerId).header("x-amz-delete-marker", "true");
    }
    List<ObjectVersion> versions = bucket.objects.get(key);
    if (versions != null) {
      versions.removeIf(v -> v.versionId().equals("null"));
      if (versions.isEmpty()) {
        bucket.objects.remove(key);
      }
    }
    return response;
  }

  private Response deleteObjects(String bucketName, String body) {
    StringBuilder xml = new StringBuilder("<DeleteResult xmlns=\"" + XMLNS + "\">");
    int at = 0;
    while (true) {
      int start = body.indexOf("<Object>", at);
      if (start < 0) {
        break;
      }
      int end = body.indexOf("</Object>", start);
      String object = body.substring(start, end);
      at = end;
      String key = unescape(between(object, "<Key>", "</Key>").orElse(""));
      Optional<String> versionId = between(object, "<VersionId>", "</VersionId>");
      deleteObject(bucketName, key, versionId);
      xml.append("<Deleted><Key>").append(escape(key)).append("</Key></Deleted>");
    }
    return Response.xml(200, xml.append("</DeleteResult>").toString());
  }

  private Bucket existing(String name) {
    Bucket bucket = buckets.get(name);
    if (bucket == null) {
      throw new S3Error(404, "NoSuchBucket", "The specified bucket does not exist");
    }
    return bucket;
  }

  private static String readSmallBody(HttpExchange exchange) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Upload.read(exchange.getRequestBody(), exchange.getRequestHeaders(), out);
    return out.toString(UTF_8);
  }

  private static void respond(HttpExchange exchange, String method, Response response)
      throws IOException {
    Headers headers = exchange.getResponseHeaders();
    headers.set("x-amz-request-id", UUID.randomUUID().toString().replace("-", "").substring(0, 16));
    headers.set("Date", HTTP_DATE.format(Instant.now()));
    response.headers.forEach(headers::set);
    if (response.file != null) {
      headers.set("Content-Length", Long.toString(response.length));
      if (!response.withBody || method.equals("HEAD")) {
        exchange.sendResponseHeaders(response.status, -1);
        return;
      }
      exchange.sendResponseHeaders(response.status, response.length);
      try (InputStream in = Files.newInputStream(response.file);
          OutputStream out = exchange.getResponseBody()) {
        in.skipNBytes(response.from);
        long left = response.length;
        byte[] buffer = new byte[1 << 16];
        while (left > 0) {
          int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
          if (n < 0) {
            break;
          }
          out.write(buffer, 0, n);
          left -= n;
        }
      }
      return;
    }
    byte[] bytes = response.body == null ? new byte[0] : response.body.getBytes(UTF_8);
    if (response.body != null) {
      headers.set("Content-Type", "application/xml");
    }
    if (method.equals("HEAD") || bytes.length == 0) {
      exchange.sendResponseHeaders(response.status, -1);
      return;
    }
    exchange.sendResponseHeaders(response.status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> query = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return query;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      query.put(
          decode(eq < 0 ? pair : pair.substring(0, eq)),
          eq < 0 ? "" : decode(pair.substring(eq + 1)));
    }
    return query;
  }

  private static String decode(String text) {
    return URLDecoder.decode(text.replace("+", "%2B"), UTF_8);
  }

  private static Optional<String> between(String text, String open, String close) {
    int start = text.indexOf(open);
    if (start < 0) {
      return Optional.empty();
    }
    int end = text.indexOf(close, start);
    return end < 0 ? Optional.empty() : Optional.of(text.substring(start + open.length(), end));
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static String unescape(String text) {
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
  }

  /** A bucket and its objects' versions; mutable, guarded by the enclosing fake. */
  private final class Bucket {
    final String name;
    final Instant created = clock.instant();
    final Map<String, List<ObjectVersion>> objects = new TreeMap<>();
    String versioning; // null (never enabled), Enabled or Suspended

    Bucket(String name) {
      this.name = name;
    }

    void add(ObjectVersion version) {
      List<ObjectVersion> versions = objects.computeIfAbsent(version.key(), k -> new ArrayList<>());
      if (version.versionId().equals("null")) {
        versions.removeIf(v -> v.versionId().equals("null"));
      }
      versions.add(version);
    }
  }

  /**
   * A request body read to its end: plain, or in the {@code aws-chunked} encoding the SDK uses for
   * uploads ({@code <hex size>[;chunk-signature=...]\r\n<data>\r\n ... 0\r\n<trailers>\r\n}), with
   * every checksum the client sent verified.
   */
  private static final class Upload {
    long size;
    String md5Hex;
    final Map<String, String> checksums = new LinkedHashMap<>();

    static Upload read(InputStream in, Headers headers, OutputStream out) throws IOException {
      String sha = Optional.ofNullable(headers.getFirst("x-amz-content-sha256")).orElse("");
      String encoding = Optional.ofNullable(headers.getFirst("Content-Encoding")).orElse("");
      boolean chunked = sha.startsWith("STREAMING-") || encoding.contains("aws-chunked");
      Map<String, String> sent = new LinkedHashMap<>();
      headers.forEach(
          (name, values) -> {
            if (name.toLowerCase().startsWith("x-amz-checksum-")) {
              sent.put(name.toLowerCase(), values.get(0));
            }
          });
      Digests digests = new Digests();
      Upload upload = new Upload();
      if (chunked) {
        while (true) {
          String line = readLine(in);
          int semicolon = line.indexOf(';');
          int length =
              Integer.parseInt((semicolon < 0 ? line : line.substring(0, semicolon)).trim(), 16);
          if (length == 0) {
            break;
          }
          byte[] data = in.readNBytes(length);
          if (data.length < length) {
            throw new S3Error(400, "IncompleteBody", "The request body ended inside a chunk");
          }
          digests.update(data, data.length);
          out.write(data);
          upload.size += length;
          readLine(in);
        }
        for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
          int colon = line.indexOf(':');
          if (colon > 0) {
            sent.put(
                line.substring(0, colon).trim().toLowerCase(), line.substring(colon + 1).trim());
          }
        }
        String decoded = headers.getFirst("x-amz-decoded-content-length");
        if (decoded != null && Long.parseLong(decoded) != upload.size) {
          throw new S3Error(
              400,
              "IncompleteBody",
              "x-amz-decoded-content-length is " + decoded + ", the chunks held " + upload.size);
        }
      } else {
        byte[] buffer = new byte[1 << 16];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
          digests.update(buffer, n);
          out.write(buffer, 0, n);
          upload.size += n;
        }
      }
      byte[] md5 = digests.md5.digest();
      upload.md5Hex = HexFormat.of().formatHex(md5);
      String contentMd5 = headers.getFirst("Content-MD5");
      if (contentMd5 != null && !contentMd5.equals(Base64.getEncoder().encodeToString(md5))) {
        throw new S3Error(400, "BadDigest", "The Content-MD5 you specified did not match.");
      }
      Map<String, String> computed = digests.finish();
      for (Map.Entry<String, String> checksum : sent.entrySet()) {
        if (checksum.getKey().equals("x-amz-checksum-algorithm")
            || checksum.getKey().equals("x-amz-checksum-type")) {
          continue;
        }
        String actual = computed.get(checksum.getKey());
        if (actual == null) {
          continue;
        }
        if (!actual.equals(checksum.getValue())) {
          throw new S3Error(
              400,
              "BadDigest",
              "The " + checksum.getKey() + " you specified did not match the calculated checksum.");
        }
        upload.checksums.put(checksum.getKey(), actual);
      }
      return upload;
    }

    private static String readLine(InputStream in) throws IOException {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      for (int b = in.read(); b >= 0; b = in.read()) {
        if (b == '\r') {
          int next = in.read();
          if (next == '\n') {
            return line.toString(UTF_8);
          }
          line.write(b);
          if (next < 0) {
            break;
          }
          line.write(next);
        } else {
          line.write(b);
        }
      }
      return line.toString(UTF_8);
    }
  }

  /** The digests S3 can check an upload against. */
  private static final class Digests {
    final MessageDigest md5 = digest("MD5");
    final MessageDigest sha1 = digest("SHA-1");
    final MessageDigest sha256 = digest("SHA-256");
    final Checksum crc32 = new CRC32();
    final Checksum crc32c = new CRC32C();

    void update(byte[] data, int length) {
      md5.update(data, 0, length);
      sha1.update(data, 0, length);
      sha256.update(data, 0, length);
      crc32.update(data, 0, length);
      crc32c.update(data, 0, length);
    }

    Map<String, String> finish() {
      Base64.Encoder base64 = Base64.getEncoder();
      return Map.of(
          "x-amz-checksum-crc32", base64.encodeToString(intBytes(crc32.getValue())),
          "x-amz-checksum-crc32c", base64.encodeToString(intBytes(crc32c.getValue())),
          "x-amz-checksum-sha1", base64.encodeToString(sha1.digest()),
          "x-amz-checksum-sha256", base64.encodeToString(sha256.digest()));
    }

    private static byte[] intBytes(long value) {
      return new byte[] {
        (byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value
      };
    }

    private static MessageDigest digest(String algorithm) {
      try {
        return MessageDigest.getInstance(algorithm);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** An S3 error: its HTTP status, code and message, rendered as S3's XML error document. */
  private static final class S3Error extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;
    final String code;
    final Map<String, String> headers = new LinkedHashMap<>();

    S3Error(int status, String code, String message) {
      super(message);
      this.status = status;
      this.code = code;
    }

    S3Error header(String name, String value) {
      headers.put(name, value);
      return this;
    }
  }

  /** What to answer: status, headers and an XML body or a file range. */
  private static final class Response {
    final int status;
    final Map<String, String> headers = new LinkedHashMap<>();
    Optional<String> errorCode = Optional.empty();
    String body;
    Path file;
    long from;
    long length;
    boolean withBody;

    private Response(int status) {
      this.status = status;
    }

    static Response empty(int status) {
      return new Response(status);
    }

    static Response xml(int status, String xml) {
      Response response = new Response(status);
      response.body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + xml;
      return response;
    }

    static Response file(int status, Path file, long from, long length, boolean withBody) {
      Response response = new Response(status);
      response.file = file;
      response.from = from;
      response.length = length;
      response.withBody = withBody;
      return response;
    }

    static Response error(S3Error error, String bucket, String key) {
      Response response =
          xml(
              error.status,
              "<Error><Code>"
                  + error.code
                  + "</Code><Message>"
                  + escape(error.getMessage())
                  + "</Message>"
                  + (key.isEmpty() ? "" : "<Key>" + escape(key) + "</Key>")
                  + (bucket.isEmpty() ? "" : "<BucketName>" + escape(bucket) + "</BucketName>")
                  + "<RequestId>fake</RequestId></Error>");
      response.errorCode = Optional.of(error.code);
      response.headers.putAll(error.headers);
      return response;
    }

    Response header(String name, String value) {
      headers.put(name, value);
      return this;
    }
  }
}
