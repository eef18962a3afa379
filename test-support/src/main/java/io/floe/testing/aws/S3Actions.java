package io.floe.testing.aws;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which IAM actions on which resources S3 authorizes a path-style REST request as, following the
 * "Actions, resources and condition keys for Amazon S3" reference: a HEAD or ranged GET is {@code
 * s3:GetObject}, every step of a multipart upload is {@code s3:PutObject}, a DeleteObjects batch is
 * one {@code s3:DeleteObject} per key, a listing is {@code s3:ListBucket} with its {@code
 * s3:prefix}.
 */
public final class S3Actions {
  private static final Pattern CREDENTIAL = Pattern.compile("Credential=([^/,\\s]+)/");
  private static final Pattern DELETE_ENTRY =
      Pattern.compile("<Object>(.*?)</Object>", Pattern.DOTALL);
  private static final Pattern KEY = Pattern.compile("<Key>(.*?)</Key>", Pattern.DOTALL);
  private static final Pattern VERSION_ID =
      Pattern.compile("<VersionId>(.*?)</VersionId>", Pattern.DOTALL);

  private S3Actions() {}

  /**
   * The calls one request amounts to.
   *
   * @param method the HTTP method
   * @param uri the request URI, path-style ({@code /bucket/key?query})
   * @param headers the request headers (for the signature's access key id and copy sources)
   * @param body the request body where it names resources (a DeleteObjects batch), else empty
   */
  public static List<AwsCall> of(
      String method, URI uri, Map<String, List<String>> headers, String body) {
    String caller = caller(uri, headers);
    String path = uri.getPath() == null ? "/" : uri.getPath();
    String trimmed = path.startsWith("/") ? path.substring(1) : path;
    if (trimmed.isEmpty()) {
      return List.of(new AwsCall(caller, "s3:ListAllMyBuckets", "arn:aws:s3:::*"));
    }
    int slash = trimmed.indexOf('/');
    String bucket = slash < 0 ? trimmed : trimmed.substring(0, slash);
    String key = slash < 0 ? "" : trimmed.substring(slash + 1);
    String bucketArn = "arn:aws:s3:::" + bucket;
    if (key.isEmpty()) {
      return bucketCalls(caller, method, uri, bucket, bucketArn, body);
    }
    String objectArn = bucketArn + "/" + key;
    List<AwsCall> calls = new ArrayList<>();
    boolean versioned = hasParam(uri, "versionId");
    switch (method) {
      case "GET", "HEAD" -> {
        if (hasParam(uri, "uploadId")) {
          calls.add(new AwsCall(caller, "s3:ListMultipartUploadParts", objectArn));
        } else if (hasParam(uri, "tagging")) {
          calls.add(
              new AwsCall(
                  caller,
                  versioned ? "s3:GetObjectVersionTagging" : "s3:GetObjectTagging",
                  objectArn));
        } else if (hasParam(uri, "acl")) {
          calls.add(
              new AwsCall(
                  caller, versioned ? "s3:GetObjectVersionAcl" : "s3:GetObjectAcl", objectArn));
        } else {
          calls.add(
              new AwsCall(caller, versioned ? "s3:GetObjectVersion" : "s3:GetObject", objectArn));
        }
      }
      case "PUT" -> {
        if (hasParam(uri, "tagging")) {
          calls.add(new AwsCall(caller, "s3:PutObjectTagging", objectArn));
        } else if (hasParam(uri, "acl")) {
          calls.add(new AwsCall(caller, "s3:PutObjectAcl", objectArn));
        } else {
          // PutObject, UploadPart, CopyObject and UploadPartCopy all write the object.
          calls.add(new AwsCall(caller, "s3:PutObject", objectArn));
          copySource(headers)
              .ifPresent(
                  source ->
                      calls.add(
                          new AwsCall(
                              caller,
                              source.contains("?versionId=")
                                  ? "s3:GetObjectVersion"
                                  : "s3:GetObject",
                              "arn:aws:s3:::" + source.replaceFirst("\\?.*$", ""))));
        }
      }
      // CreateMultipartUpload (?uploads) and CompleteMultipartUpload (?uploadId=) are PutObject.
      case "POST" -> calls.add(new AwsCall(caller, "s3:PutObject", objectArn));
      case "DELETE" -> {
        if (hasParam(uri, "uploadId")) {
          calls.add(new AwsCall(caller, "s3:AbortMultipartUpload", objectArn));
        } else if (hasParam(uri, "tagging")) {
          calls.add(new AwsCall(caller, "s3:DeleteObjectTagging", objectArn));
        } else {
          calls.add(
              new AwsCall(
                  caller, versioned ? "s3:DeleteObjectVersion" : "s3:DeleteObject", objectArn));
        }
      }
      default -> calls.add(new AwsCall(caller, "s3:Unknown" + method, objectArn));
    }
    return List.copyOf(calls);
  }

  private static List<AwsCall> bucketCalls(
      String caller, String method, URI uri, String bucket, String bucketArn, String body) {
    switch (method) {
      case "GET" -> {
        if (hasParam(uri, "versioning")) {
          return List.of(new AwsCall(caller, "s3:GetBucketVersioning", bucketArn));
        }
        if (hasParam(uri, "location")) {
          return List.of(new AwsCall(caller, "s3:GetBucketLocation", bucketArn));
        }
        if (hasParam(uri, "uploads")) {
          return List.of(new AwsCall(caller, "s3:ListBucketMultipartUploads", bucketArn));
        }
        if (hasParam(uri, "versions")) {
          return List.of(
              new AwsCall(caller, "s3:ListBucketVersions", bucketArn, prefixCondition(uri)));
        }
        if (hasParam(uri, "policy")) {
          return List.of(new AwsCall(caller, "s3:GetBucketPolicy", bucketArn));
        }
        // ListObjects and ListObjectsV2.
        return List.of(new AwsCall(caller, "s3:ListBucket", bucketArn, prefixCondition(uri)));
      }
      case "HEAD" -> {
        // HeadBucket is authorized as s3:ListBucket.
        return List.of(new AwsCall(caller, "s3:ListBucket", bucketArn));
      }
      case "PUT" -> {
        if (hasParam(uri, "versioning")) {
          return List.of(new AwsCall(caller, "s3:PutBucketVersioning", bucketArn));
        }
        return List.of(new AwsCall(caller, "s3:CreateBucket", bucketArn));
      }
      case "DELETE" -> {
        return List.of(new AwsCall(caller, "s3:DeleteBucket", bucketArn));
      }
      case "POST" -> {
        if (hasParam(uri, "delete")) {
          return deleteBatch(caller, bucket, body);
        }
        return List.of(new AwsCall(caller, "s3:UnknownPOST", bucketArn));
      }
      default -> {
        return List.of(new AwsCall(caller, "s3:Unknown" + method, bucketArn));
      }
    }
  }

  /** DeleteObjects: S3 authorizes each key in the batch as its own DeleteObject. */
  private static List<AwsCall> deleteBatch(String caller, String bucket, String body) {
    List<AwsCall> calls = new ArrayList<>();
    Matcher entries = DELETE_ENTRY.matcher(body);
    while (entries.find()) {
      String entry = entries.group(1);
      Matcher key = KEY.matcher(entry);
      if (!key.find()) {
        continue;
      }
      boolean versioned = VERSION_ID.matcher(entry).find();
      calls.add(
          new AwsCall(
              caller,
              versioned ? "s3:DeleteObjectVersion" : "s3:DeleteObject",
              "arn:aws:s3:::" + bucket + "/" + unescapeXml(key.group(1))));
    }
    return List.copyOf(calls);
  }

  private static Map<String, String> prefixCondition(URI uri) {
    Map<String, String> conditions = new LinkedHashMap<>();
    param(uri, "prefix").ifPresent(prefix -> conditions.put("s3:prefix", prefix));
    return conditions;
  }

  /** The access key id of the request's SigV4 signature (header or presigned URL). */
  static String caller(URI uri, Map<String, List<String>> headers) {
    for (Map.Entry<String, List<String>> header : headers.entrySet()) {
      if (header.getKey().equalsIgnoreCase("Authorization") && !header.getValue().isEmpty()) {
        Matcher m = CREDENTIAL.matcher(header.getValue().get(0));
        if (m.find()) {
          return m.group(1);
        }
      }
    }
    return param(uri, "X-Amz-Credential").map(c -> c.split("/", 2)[0]).orElse("anonymous");
  }

  private static Optional<String> copySource(Map<String, List<String>> headers) {
    for (Map.Entry<String, List<String>> header : headers.entrySet()) {
      if (header.getKey().equalsIgnoreCase("x-amz-copy-source") && !header.getValue().isEmpty()) {
        String source = decode(header.getValue().get(0));
        return Optional.of(source.startsWith("/") ? source.substring(1) : source);
      }
    }
    return Optional.empty();
  }

  static boolean hasParam(URI uri, String name) {
    return param(uri, name).isPresent();
  }

  /** A query parameter's decoded value ({@code ""} for one without a value). */
  static Optional<String> param(URI uri, String name) {
    String query = uri.getRawQuery();
    if (query == null) {
      return Optional.empty();
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String key = decode(eq < 0 ? pair : pair.substring(0, eq));
      if (key.equals(name)) {
        return Optional.of(eq < 0 ? "" : decode(pair.substring(eq + 1)));
      }
    }
    return Optional.empty();
  }

  private static String decode(String text) {
    return java.net.URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static String unescapeXml(String text) {
    return text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&");
  }
}
