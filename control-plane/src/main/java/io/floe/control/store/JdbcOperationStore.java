package io.floe.control.store;

import static java.util.Objects.requireNonNull;

import io.floe.control.model.Event;
import io.floe.control.model.Operation;
import io.floe.control.model.OperationState;
import io.floe.control.model.OperationType;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Operations and events on the SQL database. */
@Repository
public class JdbcOperationStore implements OperationStore {
  private static final TypeReference<Map<String, String>> MAP = new TypeReference<>() {};

  private final JdbcClient jdbc;
  private final JsonMapper json;

  public JdbcOperationStore(JdbcClient jdbc, JsonMapper json) {
    this.jdbc = requireNonNull(jdbc, "jdbc is null");
    this.json = requireNonNull(json, "json is null");
  }

  @Override
  public void insert(Operation operation) {
    jdbc.sql(
            "insert into operation (id, pipeline, type, state, parameters, progress, request_id,"
                + " actor, outcome, created_at, updated_at, finished_at)"
                + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .params(
            operation.id(),
            operation.pipeline(),
            operation.type().name(),
            operation.state().name(),
            json.writeValueAsString(operation.parameters()),
            json.writeValueAsString(operation.progress()),
            operation.requestId().orElse(null),
            operation.actor().orElse(null),
            storable(operation.outcome().orElse(null)),
            time(operation.createdAt()),
            time(operation.updatedAt()),
            operation.finishedAt().map(JdbcOperationStore::time).orElse(null))
        .update();
  }

  @Override
  public void update(Operation operation) {
    jdbc.sql(
            "update operation set state = ?, progress = ?, outcome = ?, updated_at = ?,"
                + " finished_at = ? where id = ?")
        .params(
            operation.state().name(),
            json.writeValueAsString(operation.progress()),
            storable(operation.outcome().orElse(null)),
            time(operation.updatedAt()),
            operation.finishedAt().map(JdbcOperationStore::time).orElse(null),
            operation.id())
        .update();
  }

  @Override
  public Optional<Operation> find(String id) {
    return jdbc.sql("select * from operation where id = ?")
        .param(id)
        .query(this::operation)
        .optional();
  }

  @Override
  public List<Operation> list(String pipeline, int limit) {
    return jdbc.sql(
            "select * from operation where pipeline = ? order by seq desc"
                + " fetch first ? rows only")
        .params(pipeline, limit)
        .query(this::operation)
        .list();
  }

  @Override
  public Optional<Operation> nextUnfinished(String pipeline) {
    return jdbc.sql(
            "select * from operation where pipeline = ? and state in ('PENDING', 'RUNNING')"
                + " order by seq fetch first 1 rows only")
        .param(pipeline)
        .query(this::operation)
        .optional();
  }

  @Override
  public Set<String> pipelinesWithUnfinished() {
    return Set.copyOf(
        jdbc.sql("select distinct pipeline from operation where state in ('PENDING', 'RUNNING')")
            .query(String.class)
            .list());
  }

  @Override
  public Map<String, Operation> findAll(Collection<String> ids) {
    if (ids.isEmpty()) {
      return Map.of();
    }
    Map<String, Operation> found = new HashMap<>();
    jdbc.sql("select * from operation where id in (:ids)")
        .param("ids", List.copyOf(new HashSet<>(ids)))
        .query(this::operation)
        .list()
        .forEach(operation -> found.put(operation.id(), operation));
    return found;
  }

  @Override
  public void append(Event event) {
    jdbc.sql(
            "insert into pipeline_event (pipeline, at, type, message, operation_id, request_id,"
                + " actor) values (?, ?, ?, ?, ?, ?, ?)")
        .params(
            event.pipeline(),
            time(event.at()),
            event.type(),
            storable(event.message()),
            event.operationId().orElse(null),
            event.requestId().orElse(null),
            event.actor().orElse(null))
        .update();
  }

  @Override
  public List<Event> events(String pipeline, int limit) {
    return jdbc.sql(
            "select * from pipeline_event where pipeline = ? order by id desc fetch first ? rows only")
        .params(pipeline, limit)
        .query(
            (rs, row) ->
                new Event(
                    rs.getLong("id"),
                    rs.getString("pipeline"),
                    instant(rs, "at"),
                    rs.getString("type"),
                    rs.getString("message"),
                    Optional.ofNullable(rs.getString("operation_id")),
                    Optional.ofNullable(rs.getString("request_id")),
                    Optional.ofNullable(rs.getString("actor"))))
        .list();
  }

  @Override
  public void deleteAll(String pipeline) {
    jdbc.sql("delete from operation where pipeline = ?").param(pipeline).update();
    jdbc.sql("delete from pipeline_event where pipeline = ?").param(pipeline).update();
  }

  private Operation operation(ResultSet rs, int row) throws SQLException {
    OffsetDateTime finished = rs.getObject("finished_at", OffsetDateTime.class);
    return new Operation(
        rs.getString("id"),
        rs.getString("pipeline"),
        OperationType.valueOf(rs.getString("type")),
        OperationState.valueOf(rs.getString("state")),
        json.readValue(rs.getString("parameters"), MAP),
        json.readValue(rs.getString("progress"), MAP),
        Optional.ofNullable(rs.getString("request_id")),
        Optional.ofNullable(rs.getString("actor")),
        Optional.ofNullable(rs.getString("outcome")),
        instant(rs, "created_at"),
        instant(rs, "updated_at"),
        Optional.ofNullable(finished).map(OffsetDateTime::toInstant));
  }

  /**
   * Free text as every database can hold it: PostgreSQL's text cannot hold U+0000 (H2's can), so
   * one in an outcome or event from outside would fail the save. It becomes U+FFFD.
   */
  private static String storable(String text) {
    return text == null ? null : text.replace('\u0000', '\uFFFD');
  }

  private static OffsetDateTime time(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    return rs.getObject(column, OffsetDateTime.class).toInstant();
  }
}
