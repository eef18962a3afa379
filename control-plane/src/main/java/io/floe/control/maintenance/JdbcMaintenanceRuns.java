package io.floe.control.maintenance;

import static java.util.Objects.requireNonNull;

import io.floe.control.model.MaintenanceTask;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Maintenance runs on the SQL database. */
@Repository
public class JdbcMaintenanceRuns implements MaintenanceRuns {
  private static final TypeReference<Map<String, Long>> FIGURES = new TypeReference<>() {};

  private final JdbcClient jdbc;
  private final JsonMapper json;

  public JdbcMaintenanceRuns(JdbcClient jdbc, JsonMapper json) {
    this.jdbc = requireNonNull(jdbc, "jdbc is null");
    this.json = requireNonNull(json, "json is null");
  }

  @Override
  public void insert(MaintenanceRun run) {
    jdbc.sql(
            "insert into maintenance_run (id, pipeline, table_name, task, run_trigger, state,"
                + " owner, request_id, actor, summary, figures, error, created_at, started_at,"
                + " finished_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .params(
            run.id(),
            run.pipeline(),
            run.table(),
            run.task().name(),
            run.trigger().name(),
            run.state().name(),
            run.owner().orElse(null),
            run.requestId().orElse(null),
            run.actor().orElse(null),
            storable(run.summary().orElse(null)),
            json.writeValueAsString(run.figures()),
            storable(run.error().orElse(null)),
            time(run.createdAt()),
            run.startedAt().map(JdbcMaintenanceRuns::time).orElse(null),
            run.finishedAt().map(JdbcMaintenanceRuns::time).orElse(null))
        .update();
  }

  @Override
  public boolean start(String id, String owner, Instant at) {
    return jdbc.sql(
                "update maintenance_run set state = 'RUNNING', owner = ?, started_at = ?"
                    + " where id = ? and state = 'QUEUED'")
            .params(owner, time(at), id)
            .update()
        > 0;
  }

  @Override
  public void finish(
      String id,
      MaintenanceRun.State state,
      Optional<String> summary,
      Map<String, Long> figures,
      Optional<String> error,
      Instant at) {
    jdbc.sql(
            "update maintenance_run set state = ?, summary = ?, figures = ?, error = ?,"
                + " finished_at = ? where id = ?")
        .params(
            state.name(),
            storable(summary.orElse(null)),
            json.writeValueAsString(figures),
            storable(error.orElse(null)),
            time(at),
            id)
        .update();
  }

  @Override
  public List<MaintenanceRun> failAbandoned(String table, String error, Instant at) {
    List<MaintenanceRun> abandoned =
        jdbc.sql("select * from maintenance_run where table_name = ? and state = 'RUNNING'")
            .param(table)
            .query(this::run)
            .list();
    for (MaintenanceRun run : abandoned) {
      jdbc.sql(
              "update maintenance_run set state = 'FAILED', error = ?, finished_at = ?"
                  + " where id = ? and state = 'RUNNING'")
          .params(storable(error), time(at), run.id())
          .update();
    }
    return abandoned;
  }

  @Override
  public Optional<MaintenanceRun> find(String id) {
    return jdbc.sql("select * from maintenance_run where id = ?")
        .param(id)
        .query(this::run)
        .optional();
  }

  @Override
  public List<MaintenanceRun> list(String pipeline, Optional<MaintenanceTask> task, int limit) {
    if (task.isPresent()) {
      return jdbc.sql(
              "select * from maintenance_run where pipeline = ? and task = ? order by seq desc"
                  + " fetch first ? rows only")
          .params(pipeline, task.get().name(), limit)
          .query(this::run)
          .list();
    }
    return jdbc.sql(
            "select * from maintenance_run where pipeline = ? order by seq desc"
                + " fetch first ? rows only")
        .params(pipeline, limit)
        .query(this::run)
        .list();
  }

  @Override
  public List<MaintenanceRun> queued(String pipeline) {
    return jdbc.sql(
            "select * from maintenance_run where pipeline = ? and state = 'QUEUED' order by seq")
        .param(pipeline)
        .query(this::run)
        .list();
  }

  @Override
  public Optional<Instant> lastRun(String pipeline, MaintenanceTask task) {
    return jdbc.sql(
            "select created_at from maintenance_run where pipeline = ? and task = ?"
                + " order by seq desc fetch first 1 rows only")
        .params(pipeline, task.name())
        .query((rs, row) -> instant(rs, "created_at"))
        .optional();
  }

  private MaintenanceRun run(ResultSet rs, int row) throws SQLException {
    return new MaintenanceRun(
        rs.getString("id"),
        rs.getString("pipeline"),
        rs.getString("table_name"),
        MaintenanceTask.valueOf(rs.getString("task")),
        MaintenanceRun.Trigger.valueOf(rs.getString("run_trigger")),
        MaintenanceRun.State.valueOf(rs.getString("state")),
        Optional.ofNullable(rs.getString("owner")),
        Optional.ofNullable(rs.getString("request_id")),
        Optional.ofNullable(rs.getString("actor")),
        Optional.ofNullable(rs.getString("summary")),
        json.readValue(rs.getString("figures"), FIGURES),
        Optional.ofNullable(rs.getString("error")),
        instant(rs, "created_at"),
        optionalInstant(rs, "started_at"),
        optionalInstant(rs, "finished_at"));
  }

  /** PostgreSQL's text cannot hold U+0000, which an error from outside may contain. */
  private static String storable(String text) {
    return text == null ? null : text.replace('\u0000', '\uFFFD');
  }

  private static OffsetDateTime time(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    return rs.getObject(column, OffsetDateTime.class).toInstant();
  }

  private static Optional<Instant> optionalInstant(ResultSet rs, String column)
      throws SQLException {
    return Optional.ofNullable(rs.getObject(column, OffsetDateTime.class))
        .map(OffsetDateTime::toInstant);
  }
}
