package io.floe.control.store;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Expiring leases in a database table (key, owner, expires_at), so that of several control-plane
 * replicas one at a time acts on a key; an owner that dies loses its leases when they expire.
 */
public final class Leases {
  private final JdbcClient jdbc;
  private final Clock clock;
  private final String update;
  private final String insert;
  private final String delete;
  private final String renewAll;
  private final String holders;

  /**
   * @param table the lease table (a constant of the caller, never user input)
   * @param keyColumn its key column
   */
  public Leases(JdbcClient jdbc, Clock clock, String table, String keyColumn) {
    this.jdbc = requireNonNull(jdbc, "jdbc is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.update =
        "update "
            + table
            + " set owner = ?, expires_at = ? where "
            + keyColumn
            + " = ? and (owner = ? or expires_at < ?)";
    this.insert =
        "insert into " + table + " (" + keyColumn + ", owner, expires_at) values (?, ?, ?)";
    this.delete = "delete from " + table + " where " + keyColumn + " = ? and owner = ?";
    this.renewAll = "update " + table + " set expires_at = ? where owner = ? and expires_at >= ?";
    this.holders = "select " + keyColumn + ", owner from " + table + " where expires_at >= ?";
  }

  /** Takes or renews the lease; false when another owner holds an unexpired one. */
  public boolean tryAcquire(String key, String owner, Duration duration) {
    Instant now = clock.instant();
    int updated =
        jdbc.sql(update)
            .params(
                owner,
                now.plus(duration).atOffset(ZoneOffset.UTC),
                key,
                owner,
                now.atOffset(ZoneOffset.UTC))
            .update();
    if (updated > 0) {
      return true;
    }
    try {
      jdbc.sql(insert).params(key, owner, now.plus(duration).atOffset(ZoneOffset.UTC)).update();
      return true;
    } catch (DuplicateKeyException e) {
      return false;
    }
  }

  /** Renews every unexpired lease of the owner, in one statement. */
  public void renewAll(String owner, Duration duration) {
    Instant now = clock.instant();
    jdbc.sql(renewAll)
        .params(now.plus(duration).atOffset(ZoneOffset.UTC), owner, now.atOffset(ZoneOffset.UTC))
        .update();
  }

  /** The owner of every unexpired lease, by key. */
  public Map<String, String> holders() {
    Map<String, String> owners = new HashMap<>();
    jdbc.sql(holders)
        .param(clock.instant().atOffset(ZoneOffset.UTC))
        .query((rs, row) -> owners.put(rs.getString(1), rs.getString(2)))
        .list();
    return owners;
  }

  public void release(String key, String owner) {
    jdbc.sql(delete).params(key, owner).update();
  }
}
