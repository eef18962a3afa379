package io.floe.control.local;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What the control plane starts on this machine for local runs (all off by default; the local
 * profile turns them on).
 *
 * @param dir where local state lives: the database, logs, checkpoints, the warehouse
 * @param flink start a Flink session cluster (the "local" runtime target)
 * @param flinkRestPort its REST port
 * @param flinkSlots its task slots
 * @param kafka start a Kafka broker
 * @param kafkaPort its port
 * @param catalog start a PostgreSQL for a JDBC Iceberg catalog that Trino can read too
 * @param catalogPort its port
 * @param demo create a demo pipeline fed by the sample publisher
 * @param s3 start an S3-compatible server (its data under {@code dir/s3}) for an {@code s3://}
 *     warehouse, with the bucket {@code s3Bucket}
 * @param s3Port its port
 * @param s3Bucket the bucket it creates for the warehouse
 */
@ConfigurationProperties("floe.local")
public record LocalProperties(
    @DefaultValue(".floe") Path dir,
    @DefaultValue("false") boolean flink,
    @DefaultValue("8081") int flinkRestPort,
    @DefaultValue("4") int flinkSlots,
    @DefaultValue("false") boolean kafka,
    @DefaultValue("9092") int kafkaPort,
    @DefaultValue("false") boolean catalog,
    @DefaultValue("15432") int catalogPort,
    @DefaultValue("false") boolean demo,
    @DefaultValue("false") boolean s3,
    @DefaultValue("9000") int s3Port,
    @DefaultValue("floe-warehouse") String s3Bucket) {}
