package io.floe.control.runtime;

import static java.util.Objects.requireNonNull;

import io.floe.control.model.RuntimeTargets;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where loader jobs run and with which JAR.
 *
 * @param defaultTarget the target of pipelines that name none: local, flink-cluster or
 *     managed-flink
 * @param loaderJar the shaded loader JAR to deploy
 * @param flinkCluster the Flink session cluster of the flink-cluster target, if any
 * @param httpTimeout how long one call to a runtime may take
 * @param managedFlink Amazon Managed Service for Apache Flink, the managed-flink target, if any
 * @param throttleBackoff how long a target's calls are held back after its service throttled one
 *     (beyond the client's own retries), before jitter; doubled with each throttled answer in a row
 * @param throttleMaxBackoff the longest a target's calls are held back after throttled answers
 */
@ConfigurationProperties("floe.runtime")
public record RuntimeProperties(
    @DefaultValue(RuntimeTargets.LOCAL) String defaultTarget,
    Path loaderJar,
    FlinkCluster flinkCluster,
    @DefaultValue("30s") Duration httpTimeout,
    ManagedFlink managedFlink,
    @DefaultValue(THROTTLE_BACKOFF) Duration throttleBackoff,
    @DefaultValue(THROTTLE_MAX_BACKOFF) Duration throttleMaxBackoff) {
  static final String THROTTLE_BACKOFF = "2s"; // Duration.ofSeconds(2) below
  static final String THROTTLE_MAX_BACKOFF = "60s"; // Duration.ofSeconds(60) below

  @ConstructorBinding
  public RuntimeProperties {
    new ThrottleBackoff(
        requireNonNull(throttleBackoff, "floe.runtime.throttle-backoff is null"),
        requireNonNull(throttleMaxBackoff, "floe.runtime.throttle-max-backoff is null"));
  }

  /** With the default throttle back-off. */
  public RuntimeProperties(
      String defaultTarget,
      Path loaderJar,
      FlinkCluster flinkCluster,
      Duration httpTimeout,
      ManagedFlink managedFlink) {
    this(
        defaultTarget,
        loaderJar,
        flinkCluster,
        httpTimeout,
        managedFlink,
        Duration.ofSeconds(2),
        Duration.ofSeconds(60));
  }

  /** How long a target's calls are held back after its service throttled them. */
  public ThrottleBackoff throttle() {
    return new ThrottleBackoff(throttleBackoff, throttleMaxBackoff);
  }

  /** A Flink session cluster reached through its REST API. */
  public record FlinkCluster(URI restUrl) {}

  /**
   * Amazon Managed Service for Apache Flink (kinesisanalyticsv2): one application per pipeline.
   *
   * @param region the AWS region of the applications and the artifact bucket
   * @param endpoint an endpoint override for kinesisanalyticsv2 (tests, VPC endpoints), if any
   * @param s3Endpoint an endpoint override for S3 (path-style addressing), if any
   * @param serviceRoleArn the applications' service execution role
   * @param artifactBucket the versioned S3 bucket that holds the loader JARs
   * @param snapshotsToKeep the newest snapshots kept per application; older ones are deleted
   * @param kpuLimit the account's KPU limit per application: parallelism is refused above this
   *     limit times parallelismPerKpu
   * @param parallelismPerKpu the parallel tasks per KPU
   * @param autoscaling whether the service may scale applications on its own
   * @param logGroup the CloudWatch Logs group of the applications' log streams (one stream per
   *     application, named as the application), if any
   * @param applicationPrefix the prefix of application names: {@code <prefix><pipeline>}
   * @param steadyStateTimeout how long one call waits for an application in transition before it
   *     lets the reconciler come back later
   * @param cloudwatch where the applications' metrics are read (defaults when absent)
   * @param maxAttempts how often the control plane's kinesisanalyticsv2, S3 and CloudWatch clients
   *     attempt one call that failed for a reason worth repeating (throttling, a server error, no
   *     answer), with exponential back-off and full jitter between attempts
   */
  public record ManagedFlink(
      String region,
      URI endpoint,
      URI s3Endpoint,
      String serviceRoleArn,
      String artifactBucket,
      @DefaultValue("10") int snapshotsToKeep,
      @DefaultValue("64") int kpuLimit,
      @DefaultValue("1") int parallelismPerKpu,
      @DefaultValue("false") boolean autoscaling,
      String logGroup,
      @DefaultValue("floe-") String applicationPrefix,
      @DefaultValue("20s") Duration steadyStateTimeout,
      @DefaultValue CloudWatch cloudwatch,
      @DefaultValue("" + DEFAULT_MAX_ATTEMPTS) int maxAttempts) {
    /** The AWS SDK's own default for its standard retry mode. */
    public static final int DEFAULT_MAX_ATTEMPTS = 3;

    @ConstructorBinding
    public ManagedFlink {
      cloudwatch = cloudwatch == null ? CloudWatch.DEFAULTS : cloudwatch;
      require(
          maxAttempts >= 1 && maxAttempts <= 10,
          "max-attempts",
          "must be between 1 and 10, was " + maxAttempts);
      require(region != null && !region.isBlank(), "region", "is required");
      require(
          serviceRoleArn != null && serviceRoleArn.startsWith("arn:aws"),
          "service-role-arn",
          "must be an IAM role ARN (arn:aws:iam::<account>:role/<name>), was " + serviceRoleArn);
      require(
          artifactBucket != null && artifactBucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]"),
          "artifact-bucket",
          "must be an S3 bucket name, was " + artifactBucket);
      require(snapshotsToKeep >= 1, "snapshots-to-keep", "must be at least 1");
      require(kpuLimit >= 1, "kpu-limit", "must be at least 1");
      require(parallelismPerKpu >= 1, "parallelism-per-kpu", "must be at least 1");
      require(
          applicationPrefix != null && applicationPrefix.matches("[a-zA-Z0-9_.-]{0,60}"),
          "application-prefix",
          "must be up to 60 of [a-zA-Z0-9_.-]");
      require(
          steadyStateTimeout != null && !steadyStateTimeout.isNegative(),
          "steady-state-timeout",
          "must not be negative");
      require(
          logGroup == null || logGroup.matches("[\\w#/.-]{1,512}"),
          "log-group",
          "is not a log group name: " + logGroup);
    }

    /**
     * CloudWatch, where Managed Flink publishes each application's metrics (namespace
     * AWS/KinesisAnalytics), read in the managed-flink region.
     *
     * @param endpoint an endpoint override for CloudWatch (tests, VPC endpoints), if any
     * @param refresh how long one read of an application's metrics is reused; GetMetricData is
     *     billed per metric read, and the metrics have one-minute periods
     * @param lookback how far back a run's restarts and failed checkpoints are counted, at most
     */
    public record CloudWatch(
        URI endpoint,
        @DefaultValue("60s") Duration refresh,
        @DefaultValue("24h") Duration lookback) {
      /** The defaults, when nothing is configured. */
      public static final CloudWatch DEFAULTS =
          new CloudWatch(null, Duration.ofSeconds(60), Duration.ofHours(24));

      public CloudWatch {
        require(
            refresh != null && !refresh.isNegative(), "cloudwatch.refresh", "must not be negative");
        require(
            lookback != null
                && lookback.compareTo(Duration.ofMinutes(1)) >= 0
                && lookback.compareTo(Duration.ofDays(15)) <= 0,
            "cloudwatch.lookback",
            "must be between 1 min and 15 days (CloudWatch keeps one-minute data for 15 days)");
      }
    }

    /** With the default attempts per AWS call. */
    public ManagedFlink(
        String region,
        URI endpoint,
        URI s3Endpoint,
        String serviceRoleArn,
        String artifactBucket,
        int snapshotsToKeep,
        int kpuLimit,
        int parallelismPerKpu,
        boolean autoscaling,
        String logGroup,
        String applicationPrefix,
        Duration steadyStateTimeout,
        CloudWatch cloudwatch) {
      this(
          region,
          endpoint,
          s3Endpoint,
          serviceRoleArn,
          artifactBucket,
          snapshotsToKeep,
          kpuLimit,
          parallelismPerKpu,
          autoscaling,
          logGroup,
          applicationPrefix,
          steadyStateTimeout,
          cloudwatch,
          DEFAULT_MAX_ATTEMPTS);
    }

    /** The most parallelism the account's KPU limit allows an application. */
    public int maxParallelism() {
      return kpuLimit * parallelismPerKpu;
    }

    /** The account the applications run in, read from the service role's ARN. */
    public String accountId() {
      return serviceRoleArn.split(":")[4];
    }

    private static void require(boolean condition, String key, String message) {
      if (!condition) {
        throw new IllegalArgumentException("floe.runtime.managed-flink." + key + " " + message);
      }
    }
  }
}
