package io.floe.control.store;

import static java.util.Objects.requireNonNull;

import io.floe.control.model.DesiredState;
import io.floe.control.model.ObservedState;
import io.floe.control.model.Pipeline;
import io.floe.control.model.PipelineExistsException;
import io.floe.control.model.PipelineNotFoundException;
import io.floe.control.model.PipelineSpec;
import io.floe.control.model.PipelineStatus;
import io.floe.control.model.Recovery;
import io.floe.control.model.StaleVersionException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/** The pipeline store on any SQL database Flyway migrated (PostgreSQL, H2). */
@Repository
public class JdbcPipelineStore implements PipelineStore {
  private static final TypeReference<Map<String, String>> LABELS = new TypeReference<>() {};

  private final JdbcClient jdbc;
  private final JsonMapper json;
  private final ObjectReader labelReader;
  private final RecentListing recentListing;

  public JdbcPipelineStore(
      JdbcClient jdbc, JsonMapper json, StoreProperties properties, Clock clock) {
    this.jdbc = requireNonNull(jdbc, "jdbc is null");
    this.json = requireNonNull(json, "json is null");
    this.labelReader = json.readerFor(LABELS);
    this.recentListing =
        new RecentListing(
            requireNonNull(properties, "properties is null").listingMaxAge(),
            requireNonNull(clock, "clock is null"));
  }

  @Override
  public Optional<Pipeline> find(String name) {
    return jdbc.sql("select * from pipeline where name = ?")
        .param(name)
        .query(this::pipeline)
        .optional();
  }

  @Override
  public List<Pipeline> list() {
    // Sorted here rather than by the database, whose collation decides otherwise: a linguistic one
    // (en_US on many PostgreSQL servers) ignores the hyphens that H2 and code points order by.
    return jdbc.sql("select * from pipeline").query(this::pipeline).list().stream()
        .sorted(Comparator.comparing(Pipeline::name))
        .toList();
  }

  @Override
  public List<Listed> listing() {
    return recentListing.get(this::readListing);
  }

  private List<Listed> readListing() {
    // Columns by index: at 1,000 rows, finding each column by name cost more than reading it.
    return jdbc
        .sql(
            "select p.name, p.desired_state, p.labels, s.observed_state"
                + " from pipeline p left join pipeline_status s on s.name = p.name")
        .query(
            (rs, row) ->
                new Listed(
                    rs.getString(1),
                    DesiredState.valueOf(rs.getString(2)),
                    labels(rs.getString(3)),
                    rs.getString(4) == null
                        ? ObservedState.PENDING
                        : ObservedState.valueOf(rs.getString(4))))
        .list()
        .stream()
        .sorted(Comparator.comparing(Listed::name))
        .toList();
  }

  @Override
  public Map<String, PipelineStatus> statuses(Collection<String> names) {
    if (names.isEmpty()) {
      return Map.of();
    }
    Map<String, PipelineStatus> statuses = new HashMap<>();
    jdbc.sql("select * from pipeline_status where name in (:names)")
        .param("names", List.copyOf(new TreeSet<>(names)))
        .query(JdbcPipelineStore::status)
        .list()
        .forEach(status -> statuses.put(status.name(), status));
    return statuses;
  }

  @Override
  public List<Pipeline> findAll(Collection<String> names) {
    if (names.isEmpty()) {
      return List.of();
    }
    return jdbc
        .sql("select * from pipeline where name in (:names)")
        .param("names", List.copyOf(new TreeSet<>(names)))
        .query(this::pipeline)
        .list()
        .stream()
        .sorted(Comparator.comparing(Pipeline::name))
        .toList();
  }

  @Override
  public List<String> names() {
    return jdbc.sql("select name from pipeline").query(String.class).list().stream()
        .sorted()
        .toList();
  }

  @Override
  @Transactional
  public void insert(Pipeline pipeline, PipelineStatus status) {
    try {
      jdbc.sql(
              "insert into pipeline (name, spec, desired_state, labels, generation, created_at,"
                  + " updated_at) values (?, ?, ?, ?, ?, ?, ?)")
          .params(
              pipeline.name(),
              json.writeValueAsString(pipeline.spec()),
              pipeline.desiredState().name(),
              json.writeValueAsString(pipeline.labels()),
              pipeline.generation(),
              time(pipeline.createdAt()),
              time(pipeline.updatedAt()))
          .update();
    } catch (DuplicateKeyException e) {
      throw new PipelineExistsException(pipeline.name());
    }
    insertStatus(status);
    recentListing.wrote();
  }

  @Override
  public void update(Pipeline pipeline, long expectedGeneration) {
    int updated =
        jdbc.sql(
                "update pipeline set spec = ?, desired_state = ?, labels = ?, generation = ?,"
                    + " updated_at = ? where name = ? and generation = ?")
            .params(
                json.writeValueAsString(pipeline.spec()),
                pipeline.desiredState().name(),
                json.writeValueAsString(pipeline.labels()),
                pipeline.generation(),
                time(pipeline.updatedAt()),
                pipeline.name(),
                expectedGeneration)
            .update();
    recentListing.wrote();
    if (updated == 0) {
      if (find(pipeline.name()).isEmpty()) {
        throw new PipelineNotFoundException(pipeline.name());
      }
      throw new StaleVersionException(
          "Pipeline " + pipeline.name() + " is no longer at version " + expectedGeneration);
    }
  }

  @Override
  @Transactional
  public void delete(String name) {
    jdbc.sql("delete from idempotency_key where pipeline = ?").param(name).update();
    jdbc.sql("delete from pipeline_status where name = ?").param(name).update();
    jdbc.sql("delete from pipeline where name = ?").param(name).update();
    recentListing.wrote();
  }

  @Override
  public Optional<PipelineStatus> status(String name) {
    return jdbc.sql("select * from pipeline_status where name = ?")
        .param(name)
        .query(JdbcPipelineStore::status)
        .optional();
  }

  @Override
  public void saveStatus(PipelineStatus status) {
    int updated =
        jdbc.sql(
                "update pipeline_status set observed_state = ?, job_id = ?, parallelism = ?,"
                    + " running_generation = ?, restore_path = ?, restore_source = ?,"
                    + " started_from = ?, recovery_attempts = ?, recovery_next_at = ?, recovery_halted = ?,"
                    + " last_operation_id = ?, last_error = ?, updated_at = ? where name = ?")
            .params(
                status.observedState().name(),
                status.runId().orElse(null),
                status.parallelism().orElse(null),
                status.runningGeneration().orElse(null),
                status.restorePath().orElse(null),
                status.restoreSource().orElse(null),
                status.startedFrom().orElse(null),
                status.recovery().attempts(),
                status.recovery().nextAttemptAt().map(JdbcPipelineStore::time).orElse(null),
                status.recovery().halted(),
                status.lastOperationId().orElse(null),
                storable(status.lastError().orElse(null)),
                time(status.updatedAt()),
                status.name())
            .update();
    if (updated == 0) {
      insertStatus(status);
    }
    recentListing.wrote();
  }

  private void insertStatus(PipelineStatus status) {
    jdbc.sql(
            "insert into pipeline_status (name, observed_state, job_id, parallelism,"
                + " running_generation, restore_path, restore_source, started_from,"
                + " recovery_attempts,"
                + " recovery_next_at, recovery_halted, last_operation_id,"
                + " last_error, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .params(
            status.name(),
            status.observedState().name(),
            status.runId().orElse(null),
            status.parallelism().orElse(null),
            status.runningGeneration().orElse(null),
            status.restorePath().orElse(null),
            status.restoreSource().orElse(null),
            status.startedFrom().orElse(null),
            status.recovery().attempts(),
            status.recovery().nextAttemptAt().map(JdbcPipelineStore::time).orElse(null),
            status.recovery().halted(),
            status.lastOperationId().orElse(null),
            storable(status.lastError().orElse(null)),
            time(status.updatedAt()))
        .update();
  }

  @Override
  public Optional<IdempotentRequest> idempotencyKey(String key) {
    return jdbc.sql("select request_hash, pipeline from idempotency_key where idempotency_key = ?")
        .param(key)
        .query((rs, row) -> new IdempotentRequest(rs.getString(1), rs.getString(2)))
        .optional();
  }

  @Override
  public void saveIdempotencyKey(String key, IdempotentRequest request) {
    jdbc.sql(
            "insert into idempotency_key (idempotency_key, request_hash, pipeline, created_at)"
                + " values (?, ?, ?, ?)")
        .params(key, request.requestHash(), request.pipeline(), time(Instant.now()))
        .update();
  }

  private Map<String, String> labels(String stored) {
    return stored.equals("{}") ? Map.of() : labelReader.readValue(stored);
  }

  private Pipeline pipeline(ResultSet rs, int row) throws SQLException {
    return new Pipeline(
        rs.getString("name"),
        json.readValue(rs.getString("spec"), PipelineSpec.class),
        DesiredState.valueOf(rs.getString("desired_state")),
        labels(rs.getString("labels")),
        rs.getLong("generation"),
        instant(rs, "created_at"),
        instant(rs, "updated_at"));
  }

  /** The status in a {@code pipeline_status} row. */
  private static PipelineStatus status(ResultSet rs, int row) throws SQLException {
    return new PipelineStatus(
        rs.getString("name"),
        ObservedState.valueOf(rs.getString("observed_state")),
        Optional.ofNullable(rs.getString("job_id")),
        Optional.ofNullable((Integer) rs.getObject("parallelism", Integer.class)),
        Optional.ofNullable((Long) rs.getObject("running_generation", Long.class)),
        Optional.ofNullable(rs.getString("restore_path")),
        Optional.ofNullable(rs.getString("restore_source")),
        Optional.ofNullable(rs.getString("started_from")),
        Optional.ofNullable(rs.getString("last_operation_id")),
        Optional.ofNullable(rs.getString("last_error")),
        new Recovery(
            rs.getInt("recovery_attempts"),
            Optional.ofNullable(instant(rs, "recovery_next_at")),
            rs.getBoolean("recovery_halted")),
        instant(rs, "updated_at"));
  }

  /**
   * Free text as every database can hold it: PostgreSQL's text cannot hold U+0000 (H2's can), so
   * one in an error message from outside would fail every save of the status. It becomes U+FFFD.
   */
  private static String storable(String text) {
    return text == null ? null : text.replace('\u0000', '\uFFFD');
  }

  static OffsetDateTime time(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }

  static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime time = rs.getObject(column, OffsetDateTime.class);
    return time == null ? null : time.toInstant();
  }
}
