package io.floe.control.reconcile;

import io.floe.control.store.Leases;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * A lease per pipeline in the database, so that of several control-plane replicas only one
 * reconciles a pipeline at a time; an owner that dies loses its leases when they expire. Replicas
 * also renew a row of their own, so that each knows how many share the pipelines.
 */
@Repository
public class PipelineLeases {
  private final Leases leases;
  private final JdbcClient jdbc;
  private final Clock clock;

  public PipelineLeases(JdbcClient jdbc, Clock clock) {
    this.leases = new Leases(jdbc, clock, "pipeline_lease", "pipeline");
    this.jdbc = jdbc;
    this.clock = clock;
  }

  /**
   * Renews the replica's own row for {@code duration} and answers how many replicas are alive
   * (their rows unexpired), this one included.
   */
  public int liveReplicas(String owner, Duration duration) {
    Instant now = clock.instant();
    OffsetDateTime expires = now.plus(duration).atOffset(ZoneOffset.UTC);
    int updated =
        jdbc.sql("update control_plane_replica set expires_at = ? where id = ?")
            .params(expires, owner)
            .update();
    if (updated == 0) {
      try {
        jdbc.sql("insert into control_plane_replica (id, expires_at) values (?, ?)")
            .params(owner, expires)
            .update();
      } catch (DuplicateKeyException e) {
        // Another thread of this replica inserted it: renewed either way.
      }
    }
    // Replicas that stopped renewing are gone: their rows go too (a replica's name may be new at
    // each start).
    jdbc.sql("delete from control_plane_replica where expires_at < ?")
        .param(now.atOffset(ZoneOffset.UTC))
        .update();
    Integer live =
        jdbc.sql("select count(*) from control_plane_replica").query(Integer.class).single();
    return Math.max(1, live);
  }

  /** Takes or renews the lease; false when another owner holds an unexpired one. */
  public boolean tryAcquire(String pipeline, String owner, Duration duration) {
    return leases.tryAcquire(pipeline, owner, duration);
  }

  /** Renews every unexpired lease the owner holds, in one statement. */
  public void renewAll(String owner, Duration duration) {
    leases.renewAll(owner, duration);
  }

  /** The owner of every unexpired lease, by pipeline. */
  public Map<String, String> holders() {
    return leases.holders();
  }

  public void release(String pipeline, String owner) {
    leases.release(pipeline, owner);
  }
}
