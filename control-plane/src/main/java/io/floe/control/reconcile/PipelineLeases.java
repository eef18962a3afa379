package io.floe.control.reconcile;

import io.floe.control.store.Leases;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * A lease per pipeline in the database, so that of several control-plane replicas only one
 * reconciles a pipeline at a time; an owner that dies loses its leases when they expire.
 */
@Repository
public class PipelineLeases {
  private final Leases leases;

  public PipelineLeases(JdbcClient jdbc, Clock clock) {
    this.leases = new Leases(jdbc, clock, "pipeline_lease", "pipeline");
  }

  /** Takes or renews the lease; false when another owner holds an unexpired one. */
  public boolean tryAcquire(String pipeline, String owner, Duration duration) {
    return leases.tryAcquire(pipeline, owner, duration);
  }

  /** Renews every unexpired lease the owner holds, in one statement. */
  public void renewAll(String owner, Duration duration) {
    leases.renewAll(owner, duration);
  }

  /** The pipelines other owners hold unexpired leases on. */
  public Set<String> heldByOthers(String owner) {
    return leases.heldByOthers(owner);
  }

  public void release(String pipeline, String owner) {
    leases.release(pipeline, owner);
  }
}
