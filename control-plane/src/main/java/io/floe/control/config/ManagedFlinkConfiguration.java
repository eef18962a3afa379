package io.floe.control.config;

import io.floe.control.artifact.ArtifactBucket;
import io.floe.control.artifact.ArtifactService;
import io.floe.control.catalog.TablePositions;
import io.floe.control.model.RuntimeTargets;
import io.floe.control.runtime.RuntimeProperties;
import io.floe.control.runtime.managed.AwsRetries;
import io.floe.control.runtime.managed.CloudWatchApplicationMetrics;
import io.floe.control.runtime.managed.IamPolicies;
import io.floe.control.runtime.managed.ManagedFlinkRuntime;
import io.floe.control.runtime.managed.SdkManagedFlinkApplications;
import io.floe.control.store.Events;
import io.floe.loader.settings.LoaderSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClientBuilder;
import software.amazon.awssdk.services.kinesisanalyticsv2.KinesisAnalyticsV2Client;
import software.amazon.awssdk.services.kinesisanalyticsv2.KinesisAnalyticsV2ClientBuilder;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * The managed-flink target, when {@code floe.runtime.managed-flink.region} is set: the
 * kinesisanalyticsv2, S3 and CloudWatch clients (the SDK's default credentials, {@link AwsRetries}
 * with {@code floe.runtime.managed-flink.max-attempts}), the artifact bucket, the applications'
 * metrics and the runtime, which judges restore points against the tables' commits.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "floe.runtime.managed-flink", name = "region")
public class ManagedFlinkConfiguration {
  @Bean(destroyMethod = "close")
  KinesisAnalyticsV2Client kinesisAnalyticsV2Client(RuntimeProperties properties) {
    RuntimeProperties.ManagedFlink config = properties.managedFlink();
    KinesisAnalyticsV2ClientBuilder builder =
        KinesisAnalyticsV2Client.builder()
            .region(Region.of(config.region()))
            .credentialsProvider(DefaultCredentialsProvider.builder().build())
            .httpClient(httpClient(properties.httpTimeout()))
            .overrideConfiguration(retries(config));
    if (config.endpoint() != null) {
      builder.endpointOverride(config.endpoint());
    }
    return builder.build();
  }

  @Bean
  ArtifactBucket artifactBucket(RuntimeProperties properties) {
    RuntimeProperties.ManagedFlink config = properties.managedFlink();
    S3ClientBuilder builder =
        S3Client.builder()
            .region(Region.of(config.region()))
            .credentialsProvider(DefaultCredentialsProvider.builder().build())
            .httpClient(httpClient(Duration.ofMinutes(10)))
            .overrideConfiguration(retries(config));
    if (config.s3Endpoint() != null) {
      builder.endpointOverride(config.s3Endpoint()).forcePathStyle(true);
    }
    return new ArtifactBucket(builder.build(), config.artifactBucket());
  }

  @Bean(destroyMethod = "close")
  CloudWatchClient cloudWatchClient(RuntimeProperties properties) {
    RuntimeProperties.ManagedFlink config = properties.managedFlink();
    CloudWatchClientBuilder builder =
        CloudWatchClient.builder()
            .region(Region.of(config.region()))
            .credentialsProvider(DefaultCredentialsProvider.builder().build())
            .httpClient(httpClient(properties.httpTimeout()))
            .overrideConfiguration(retries(config));
    if (config.cloudwatch().endpoint() != null) {
      builder.endpointOverride(config.cloudwatch().endpoint());
    }
    return builder.build();
  }

  @Bean
  ManagedFlinkRuntime managedFlinkRuntime(
      KinesisAnalyticsV2Client client,
      CloudWatchClient cloudWatch,
      RuntimeProperties properties,
      @Lazy ArtifactService artifacts,
      Events events,
      TablePositions positions) {
    return new ManagedFlinkRuntime(
        new SdkManagedFlinkApplications(client),
        properties.managedFlink(),
        artifacts::resolve,
        (pipeline, type, message) ->
            events.record(
                pipeline,
                type,
                message,
                Optional.empty(),
                Optional.empty(),
                Optional.of(RuntimeTargets.MANAGED_FLINK)),
        ManagedFlinkRuntime::sleepQuietly,
        new CloudWatchApplicationMetrics(cloudWatch),
        (pipeline, settings) ->
            positions.newestCommit(pipeline, LoaderSettings.parse(settings).table()),
        Clock.systemUTC());
  }

  @Bean
  IamPolicies iamPolicies(RuntimeProperties properties) {
    return new IamPolicies(properties.managedFlink());
  }

  /** The SDK's standard retries with full jitter, Managed Flink's rate LimitExceeded included. */
  private static ClientOverrideConfiguration retries(RuntimeProperties.ManagedFlink config) {
    return ClientOverrideConfiguration.builder()
        .retryStrategy(AwsRetries.standard(config.maxAttempts()))
        .build();
  }

  private static UrlConnectionHttpClient httpClient(Duration timeout) {
    return (UrlConnectionHttpClient)
        UrlConnectionHttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(10))
            .socketTimeout(timeout)
            .build();
  }
}
