package io.floe.control.artifact;

import static java.util.Objects.requireNonNull;

import io.floe.control.model.Artifact;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The registered artifacts, in the control plane's database (migration V3). */
@Repository
public class ArtifactStore {
  private final JdbcClient jdbc;

  public ArtifactStore(JdbcClient jdbc) {
    this.jdbc = requireNonNull(jdbc, "jdbc is null");
  }

  /** Records an artifact; false when one with its hash is registered already. */
  public boolean insert(Artifact artifact) {
    try {
      jdbc.sql(
              "insert into artifact (sha256, id, size_bytes, bucket, object_key, version_id,"
                  + " file_name, source, uploaded_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)")
          .params(
              artifact.sha256(),
              artifact.id(),
              artifact.size(),
              artifact.bucket(),
              artifact.key(),
              artifact.versionId().orElse(null),
              artifact.fileName(),
              artifact.source(),
              artifact.uploadedAt().atOffset(ZoneOffset.UTC))
          .update();
      return true;
    } catch (DuplicateKeyException e) {
      return false;
    }
  }

  /** The artifact a pin names: its full sha256 or its 12-digit id. */
  public Optional<Artifact> find(String pin) {
    requireNonNull(pin, "pin is null");
    return jdbc.sql("select * from artifact where sha256 = ? or id = ?")
        .params(pin, pin)
        .query(ArtifactStore::artifact)
        .optional();
  }

  /** Every artifact, newest first. */
  public List<Artifact> list() {
    return jdbc.sql("select * from artifact order by uploaded_at desc, sha256")
        .query(ArtifactStore::artifact)
        .list();
  }

  private static Artifact artifact(ResultSet rs, int row) throws SQLException {
    return new Artifact(
        rs.getString("sha256"),
        rs.getString("id"),
        rs.getLong("size_bytes"),
        rs.getString("bucket"),
        rs.getString("object_key"),
        Optional.ofNullable(rs.getString("version_id")),
        rs.getString("file_name"),
        rs.getString("source"),
        rs.getObject("uploaded_at", OffsetDateTime.class).toInstant());
  }
}
