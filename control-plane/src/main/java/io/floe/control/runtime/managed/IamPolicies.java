package io.floe.control.runtime.managed;

import static java.util.Objects.requireNonNull;

import io.floe.control.model.Artifact;
import io.floe.control.runtime.RuntimeProperties;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The least-privilege IAM policies of Managed Flink: a pipeline's application role (read its
 * artifact object; read and write its table's files; Glue on its database and table; its secret;
 * CloudWatch metrics and its log stream) and the control plane's own.
 */
public final class IamPolicies {
  /** Where a pipeline's table keeps its files, as far as the policy needs it. */
  public record TableLocation(
      String catalogType,
      Optional<String> glueCatalogId,
      String database,
      String table,
      List<URI> locations) {}

  private final RuntimeProperties.ManagedFlink config;

  public IamPolicies(RuntimeProperties.ManagedFlink config) {
    this.config = requireNonNull(config, "config is null");
  }

  /** The application role's policy for one pipeline. */
  public Map<String, Object> pipelinePolicy(
      String pipeline, Artifact artifact, TableLocation table, Optional<String> secret) {
    List<Map<String, Object>> statements = new ArrayList<>();
    statements.add(
        statement(
            "ReadLoaderArtifact",
            List.of("s3:GetObject", "s3:GetObjectVersion"),
            List.of(artifact.objectArn()),
            null));
    // Reads and writes of the table's files only: the loader reads only files its table's
    // metadata names and never lists (LeastPrivilegeIT), so no s3:ListBucket.
    List<String> objects = new ArrayList<>();
    for (URI location : table.locations()) {
      String scheme = location.getScheme() == null ? "" : location.getScheme();
      if (!scheme.equals("s3") && !scheme.equals("s3a") && !scheme.equals("s3n")) {
        continue;
      }
      objects.add(
          "arn:aws:s3:::" + location.getHost() + "/" + trimSlashes(location.getPath()) + "/*");
    }
    if (!objects.isEmpty()) {
      statements.add(
          statement(
              "ReadWriteTableFiles",
              List.of("s3:GetObject", "s3:PutObject", "s3:DeleteObject"),
              objects,
              null));
    }
    if (table.catalogType().equalsIgnoreCase("glue")) {
      String account = table.glueCatalogId().orElse(config.accountId());
      String prefix = "arn:aws:glue:" + config.region() + ":" + account + ":";
      statements.add(
          statement(
              "GlueTable",
              List.of("glue:GetTable", "glue:UpdateTable"),
              List.of(
                  prefix + "catalog",
                  prefix + "database/" + table.database(),
                  prefix + "table/" + table.database() + "/" + table.table()),
              null));
    }
    secret.ifPresent(
        locator ->
            statements.add(
                statement(
                    "ReadKafkaCredentials",
                    List.of("secretsmanager:GetSecretValue"),
                    List.of(secretArn(locator)),
                    null)));
    statements.add(
        statement(
            "PublishMetrics",
            List.of("cloudwatch:PutMetricData"),
            List.of("*"),
            Map.of("StringEquals", Map.of("cloudwatch:namespace", "AWS/KinesisAnalytics"))));
    if (config.logGroup() != null) {
      String group =
          "arn:aws:logs:"
              + config.region()
              + ":"
              + config.accountId()
              + ":log-group:"
              + config.logGroup();
      statements.add(
          statement(
              "FindLogGroups",
              List.of("logs:DescribeLogGroups"),
              List.of(
                  "arn:aws:logs:" + config.region() + ":" + config.accountId() + ":log-group:*"),
              null));
      statements.add(
          statement(
              "FindLogStreams",
              List.of("logs:DescribeLogStreams"),
              List.of(group + ":log-stream:*"),
              null));
      statements.add(
          statement(
              "WriteLogs",
              List.of("logs:PutLogEvents"),
              List.of(group + ":log-stream:" + config.applicationPrefix() + pipeline),
              null));
    }
    return document(statements);
  }

  /** The control plane's own policy: its applications, its artifact bucket, its role. */
  public Map<String, Object> controlPlanePolicy() {
    String account = config.accountId();
    String applications =
        "arn:aws:kinesisanalytics:"
            + config.region()
            + ":"
            + account
            + ":application/"
            + config.applicationPrefix()
            + "*";
    List<Map<String, Object>> statements = new ArrayList<>();
    statements.add(
        statement(
            "ManageApplications",
            List.of(
                "kinesisanalytics:CreateApplication",
                "kinesisanalytics:DescribeApplication",
                "kinesisanalytics:UpdateApplication",
                "kinesisanalytics:StartApplication",
                "kinesisanalytics:StopApplication",
                "kinesisanalytics:DeleteApplication",
                "kinesisanalytics:DescribeApplicationOperation",
                "kinesisanalytics:ListApplicationOperations",
                "kinesisanalytics:ListApplicationSnapshots",
                "kinesisanalytics:DeleteApplicationSnapshot",
                "kinesisanalytics:TagResource",
                "kinesisanalytics:ListTagsForResource"),
            List.of(applications),
            null));
    statements.add(
        statement(
            "ListApplications", List.of("kinesisanalytics:ListApplications"), List.of("*"), null));
    // GetMetricData has no resource-level permissions: the restarts and failed checkpoints that
    // health reads from AWS/KinesisAnalytics.
    statements.add(
        statement(
            "ReadApplicationMetrics", List.of("cloudwatch:GetMetricData"), List.of("*"), null));
    statements.add(
        statement(
            "PassApplicationRole",
            List.of("iam:PassRole"),
            List.of(config.serviceRoleArn()),
            Map.of(
                "StringEquals", Map.of("iam:PassedToService", "kinesisanalytics.amazonaws.com"))));
    // Only uploads: the service reads the code with the application's role (LeastPrivilegeIT).
    statements.add(
        statement(
            "StoreArtifacts",
            List.of("s3:PutObject"),
            List.of("arn:aws:s3:::" + config.artifactBucket() + "/loader/*"),
            null));
    return document(statements);
  }

  private String secretArn(String locator) {
    if (locator.startsWith("arn:")) {
      return locator;
    }
    // A name: Secrets Manager appends six random characters to the ARN.
    return "arn:aws:secretsmanager:"
        + config.region()
        + ":"
        + config.accountId()
        + ":secret:"
        + locator
        + "-??????";
  }

  private static Map<String, Object> document(List<Map<String, Object>> statements) {
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("Version", "2012-10-17");
    document.put("Statement", statements);
    return document;
  }

  private static Map<String, Object> statement(
      String sid, List<String> actions, List<String> resources, Map<String, Object> condition) {
    Map<String, Object> statement = new LinkedHashMap<>();
    statement.put("Sid", sid.replaceAll("[^A-Za-z0-9]", ""));
    statement.put("Effect", "Allow");
    statement.put("Action", actions);
    statement.put("Resource", resources);
    if (condition != null) {
      statement.put("Condition", condition);
    }
    return statement;
  }

  private static String trimSlashes(String path) {
    String p = path == null ? "" : path;
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }
}
