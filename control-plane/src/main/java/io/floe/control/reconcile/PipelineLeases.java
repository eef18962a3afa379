package io.floe.control.reconcile;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * A lease per pipeline in the database, so that of several control-plane replicas only one
 * reconciles a pipeline at a time; an owner that dies loses its leases when they expire.
 */
@Repository
public class PipelineLeases {
  private final JdbcClient jdbc;
  private final Clock clock;

  public PipelineLeases(JdbcClient jdbc, Clock clock) {
    this.jdbc = requireNonNull(jdbc, "jdbc is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  /** Takes or renews the lease; false when another owner holds an unexpired one. */
  public boolean tryAcquire(String pipeline, String owner, Duration duration) {
    Instant now = clock.instant();
    int updated =
        jdbc.sql(
                "update pipeline_lease set owner = ?, expires_at = ? where pipeline = ?"
                    + " and (owner = ? or expires_at < ?)")
            .params(
                owner,
                now.plus(duration).atOffset(ZoneOffset.UTC),
                pipeline,
                owner,
                now.atOffset(ZoneOffset.UTC))
            .update();
    if (updated > 0) {
      return true;
    }
    try {
      jdbc.sql("insert into pipeline_lease (pipeline, owner, expires_at) values (?, ?, ?)")
          .params(pipeline, owner, now.plus(duration).atOffset(ZoneOffset.UTC))
          .update();
      return true;
    } catch (DuplicateKeyException e) {
      return false;
    }
  }

  public void release(String pipeline, String owner) {
    jdbc.sql("delete from pipeline_lease where pipeline = ? and owner = ?")
        .params(pipeline, owner)
        .update();
  }
}
