package io.floe.control.scale;

import io.floe.control.testing.ControlPlane;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Two replicas on one database: a second control plane joins the running one, the pipelines' leases
 * split between them, then the first is closed (it does not give its leases back, as a replica
 * killed with kill -9 would not) and the time until the second has taken every pipeline over is
 * measured against the lease.
 */
final class Replicas {
  private static final String B = "replica-b";

  private Replicas() {}

  /** The leases held by each replica at a moment after the second joined. */
  record Split(Duration after, Map<String, Integer> owners) {}

  /** What happened: the split over time, and the takeover (empty if it did not finish). */
  record Outcome(
      int pipelines,
      Duration lease,
      List<Split> split,
      Optional<Duration> takeover,
      int takenOver,
      Duration waited) {}

  static Outcome measure(
      Map<String, Object> properties,
      ControlPlane first,
      String storeUrl,
      Path dir,
      int pipelines,
      Duration lease,
      Duration window)
      throws Exception {
    Map<String, Object> second = new LinkedHashMap<>(properties);
    second.put("floe.reconcile.instance-id", B);
    second.put("floe.local.dir", dir.resolve("local").toString());
    second.put("server.port", "0");
    second.put("spring.datasource.url", CountingDriver.url("store-b", storeUrl));
    List<Split> split = new ArrayList<>();
    try (ControlPlane replica = ControlPlane.start(second)) {
      Instant joined = Instant.now();
      Instant end = joined.plus(window);
      while (Instant.now().isBefore(end)) {
        Thread.sleep(
            Math.min(10_000, Math.max(1, Duration.between(Instant.now(), end).toMillis())));
        split.add(new Split(Duration.between(joined, Instant.now()), owners(storeUrl)));
      }
      first.close();
      Instant closed = Instant.now();
      Set<String> taken = new HashSet<>();
      Instant deadline = closed.plus(Duration.ofMinutes(5));
      while (taken.size() < pipelines && Instant.now().isBefore(deadline)) {
        taken.addAll(acquiredBy(storeUrl, B, closed, lease));
        if (taken.size() < pipelines) {
          Thread.sleep(500);
        }
      }
      Duration waited = Duration.between(closed, Instant.now());
      return new Outcome(
          pipelines,
          lease,
          split,
          taken.size() >= pipelines ? Optional.of(waited) : Optional.empty(),
          taken.size(),
          waited);
    }
  }

  /** Unexpired leases by owner. */
  private static Map<String, Integer> owners(String url) throws SQLException {
    Map<String, Integer> owners = new TreeMap<>();
    try (Connection connection = DriverManager.getConnection(url, "postgres", "");
        PreparedStatement statement =
            connection.prepareStatement(
                "select owner, count(*) from pipeline_lease where expires_at > now() group by owner");
        ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        owners.put(rows.getString(1), rows.getInt(2));
      }
    }
    return owners;
  }

  /** Pipelines whose lease {@code owner} took or renewed after {@code since}. */
  private static Set<String> acquiredBy(String url, String owner, Instant since, Duration lease)
      throws SQLException {
    Set<String> pipelines = new HashSet<>();
    try (Connection connection = DriverManager.getConnection(url, "postgres", "");
        PreparedStatement statement =
            connection.prepareStatement(
                "select pipeline, expires_at from pipeline_lease where owner = ?")) {
      statement.setString(1, owner);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          Timestamp expires = rows.getTimestamp(2);
          // A lease runs floe.reconcile.lease from its taking: one that ends after the close plus
          // a lease was taken (or renewed) after the close.
          if (expires.toInstant().isAfter(since.plus(lease))) {
            pipelines.add(rows.getString(1));
          }
        }
      }
    }
    return pipelines;
  }

  static String render(Outcome outcome) {
    StringBuilder out = new StringBuilder();
    out.append("\n## Two replicas on one database\n\n");
    out.append(
        String.format(
            Locale.ROOT,
            "A second replica (no API traffic, not counted above) joined the first with %d"
                + " pipelines; `floe.reconcile.lease` = %d s. Unexpired leases by replica after it"
                + " joined:%n%n",
            outcome.pipelines(),
            outcome.lease().toSeconds()));
    out.append("| after (s) | leases by replica |\n|---:|---|\n");
    for (Split split : outcome.split()) {
      out.append("| ")
          .append(split.after().toSeconds())
          .append(" | ")
          .append(split.owners())
          .append(" |\n");
    }
    out.append(
        "\nThen the first replica was closed without giving its leases back (as after"
            + " kill -9). ");
    if (outcome.takeover().isPresent()) {
      out.append(
          String.format(
              Locale.ROOT,
              "The second held every pipeline's lease (taken after the close) %.1f s later:"
                  + " the lease (%d s, the earliest the last leases the first renewed expire)"
                  + " plus %.1f s.%n",
              outcome.takeover().get().toMillis() / 1000.0,
              outcome.lease().toSeconds(),
              (outcome.takeover().get().toMillis() - outcome.lease().toMillis()) / 1000.0));
    } else {
      out.append(
          String.format(
              Locale.ROOT,
              "After %.0f s the second had taken %d of the %d pipelines: not within the lease.%n",
              outcome.waited().toMillis() / 1000.0,
              outcome.takenOver(),
              outcome.pipelines()));
    }
    return out.toString();
  }
}
