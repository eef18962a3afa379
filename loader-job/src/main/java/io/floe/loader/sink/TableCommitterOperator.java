package io.floe.loader.sink;

import static java.util.Objects.requireNonNull;

import io.floe.loader.metrics.LoaderMetrics;
import io.floe.loader.settings.LoaderSettings;
import io.floe.loader.summary.CommitSummary;
import io.floe.loader.table.PackagedJdbcDrivers;
import io.floe.loader.table.TableAccess;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.api.common.typeutils.base.array.BytePrimitiveArraySerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.ManifestReader;
import org.apache.iceberg.ManifestWriter;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.flink.TableLoader;
import org.apache.iceberg.io.OutputFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits the writers' files to the table once per completed checkpoint, exactly once: pending
 * files survive in operator state until committed, and after a restore the table's own snapshot
 * summaries (job id, operator id, highest committed checkpoint) tell which were committed already.
 * Every commit records the pipeline, loader version, schema id, counters and Kafka offsets.
 */
public final class TableCommitterOperator extends AbstractStreamOperator<Void>
    implements OneInputStreamOperator<WrittenFiles, Void>, BoundedOneInput {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(TableCommitterOperator.class);
  private static final int TEMPORARY_MANIFEST_FORMAT = 2;
  private static final long NO_CHECKPOINT = -1;

  private static final ListStateDescriptor<byte[]> PENDING_STATE =
      new ListStateDescriptor<>("floe-pending-commits", BytePrimitiveArraySerializer.INSTANCE);
  private static final ListStateDescriptor<String> JOB_ID_STATE =
      new ListStateDescriptor<>("floe-job-id", StringSerializer.INSTANCE);

  private final HashMap<String, String> settings;
  private final String loaderVersion;

  private transient String pipeline;
  private transient TableLoader tableLoader;
  private transient Table table;
  private transient String jobId;
  private transient String operatorId;
  private transient TreeMap<Long, PendingCommit> pending;
  private transient List<WrittenFiles> current;
  private transient Map<String, Long> committedOffsets;
  private transient long maxCommittedCheckpointId;
  private transient ListState<byte[]> pendingState;
  private transient ListState<String> jobIdState;
  private transient Counter commits;
  private transient volatile long lastCommitMillis;

  public TableCommitterOperator(Map<String, String> settings, String loaderVersion) {
    this.settings = new HashMap<>(requireNonNull(settings, "settings is null"));
    this.loaderVersion = requireNonNull(loaderVersion, "loaderVersion is null");
  }

  @Override
  public void initializeState(StateInitializationContext context) throws Exception {
    super.initializeState(context);
    LoaderSettings loaderSettings = LoaderSettings.parse(settings);
    pipeline = loaderSettings.pipelineName();
    tableLoader = TableAccess.tableLoader(loaderSettings.table());
    PackagedJdbcDrivers.deregisterOnRelease(getRuntimeContext());
    tableLoader.open();
    table = tableLoader.loadTable();
    jobId = getContainingTask().getEnvironment().getJobID().toString();
    operatorId = getOperatorID().toString();
    pending = new TreeMap<>();
    current = new ArrayList<>();
    committedOffsets = new TreeMap<>(latestOffsets(table, pipeline));
    pendingState = context.getOperatorStateStore().getListState(PENDING_STATE);
    jobIdState = context.getOperatorStateStore().getListState(JOB_ID_STATE);
    maxCommittedCheckpointId = maxCommittedCheckpointId(table, jobId, operatorId);

    if (context.isRestored()) {
      Iterator<String> restoredJob = jobIdState.get().iterator();
      Iterator<byte[]> restoredPending = pendingState.get().iterator();
      if (restoredJob.hasNext() && restoredPending.hasNext()) {
        String restoredJobId = restoredJob.next();
        TreeMap<Long, PendingCommit> restored = PendingCommit.deserialize(restoredPending.next());
        long restoredMax = maxCommittedCheckpointId(table, restoredJobId, operatorId);
        NavigableMap<Long, PendingCommit> uncommitted = restored.tailMap(restoredMax, false);
        LOG.info(
            "Restored {} pending checkpoint(s) of job {}; the table has up to checkpoint {}; committing {}",
            restored.size(),
            restoredJobId,
            restoredMax,
            uncommitted.keySet());
        if (!uncommitted.isEmpty()) {
          commit(uncommitted, restoredJobId, uncommitted.lastKey());
          if (restoredJobId.equals(jobId)) {
            maxCommittedCheckpointId = Math.max(maxCommittedCheckpointId, uncommitted.lastKey());
          }
        }
        deleteManifests(restored.values());
      }
    }
  }

  @Override
  public void open() throws Exception {
    super.open();
    MetricGroup group = LoaderMetrics.exportedGroup(getMetricGroup(), pipeline);
    commits = group.counter("commits");
    group.gauge("lastCommitDurationMillis", () -> lastCommitMillis);
    group.gauge("lastCommittedCheckpointId", () -> maxCommittedCheckpointId);
  }

  @Override
  public void processElement(StreamRecord<WrittenFiles> element) {
    current.add(element.getValue());
  }

  @Override
  public void snapshotState(StateSnapshotContext context) throws Exception {
    super.snapshotState(context);
    long checkpointId = context.getCheckpointId();
    if (!current.isEmpty()) {
      pending.put(checkpointId, toPending(current, checkpointId));
      current.clear();
    }
    pendingState.update(List.of(PendingCommit.serialize(pending)));
    jobIdState.update(List.of(jobId));
  }

  @Override
  public void notifyCheckpointComplete(long checkpointId) throws Exception {
    super.notifyCheckpointComplete(checkpointId);
    if (checkpointId <= maxCommittedCheckpointId) {
      return;
    }
    NavigableMap<Long, PendingCommit> ready = pending.headMap(checkpointId, true);
    if (!ready.isEmpty()) {
      commit(ready, jobId, checkpointId);
      deleteManifests(ready.values());
      ready.clear();
    }
    maxCommittedCheckpointId = checkpointId;
  }

  @Override
  public void endInput() throws IOException {
    if (!current.isEmpty()) {
      pending.put(Long.MAX_VALUE, toPending(current, Long.MAX_VALUE));
      current.clear();
    }
    if (!pending.isEmpty()) {
      commit(pending, jobId, pending.lastKey());
      deleteManifests(pending.values());
      pending.clear();
    }
  }

  @Override
  public void close() throws Exception {
    try {
      if (tableLoader != null) {
        tableLoader.close();
      }
    } finally {
      super.close();
    }
  }

  /** Writes the checkpoint's files into temporary manifests, keeping only their encoding. */
  private PendingCommit toPending(List<WrittenFiles> results, long checkpointId)
      throws IOException {
    Map<Integer, List<DataFile>> filesBySpec = new TreeMap<>();
    long written = 0;
    long deadLettered = 0;
    long skipped = 0;
    long maxTimestamp = 0;
    int schemaId = -1;
    Map<String, Long> offsets = new TreeMap<>();
    for (WrittenFiles result : results) {
      for (DataFile file : result.dataFiles()) {
        filesBySpec.computeIfAbsent(file.specId(), id -> new ArrayList<>()).add(file);
      }
      written += result.recordsWritten();
      deadLettered += result.recordsDeadLettered();
      skipped += result.recordsSkipped();
      maxTimestamp = Math.max(maxTimestamp, result.maxRecordTimestamp());
      schemaId = Math.max(schemaId, result.schemaId());
      result.nextOffsets().forEach((partition, next) -> offsets.merge(partition, next, Math::max));
    }
    List<byte[]> manifests = new ArrayList<>();
    for (Map.Entry<Integer, List<DataFile>> entry : filesBySpec.entrySet()) {
      String name =
          String.format(
              "floe-%s-%s-%d-%d-%s.avro",
              jobId, operatorId, checkpointId, entry.getKey(), UUID.randomUUID());
      OutputFile file =
          table
              .io()
              .newOutputFile(((HasTableOperations) table).operations().metadataFileLocation(name));
      ManifestWriter<DataFile> writer =
          ManifestFiles.write(
              TEMPORARY_MANIFEST_FORMAT, table.specs().get(entry.getKey()), file, 0L);
      try {
        writer.addAll(entry.getValue());
      } finally {
        writer.close();
      }
      manifests.add(ManifestFiles.encode(writer.toManifestFile()));
    }
    return new PendingCommit(
        manifests, schemaId, written, deadLettered, skipped, offsets, maxTimestamp);
  }

  private void commit(
      NavigableMap<Long, PendingCommit> commits, String commitJobId, long upToCheckpointId)
      throws IOException {
    long start = System.currentTimeMillis();
    table.refresh();
    AppendFiles append = table.newAppend();
    int files = 0;
    long written = 0;
    long deadLettered = 0;
    long skipped = 0;
    long maxTimestamp = 0;
    int schemaId = -1;
    for (PendingCommit commit : commits.values()) {
      for (byte[] encoded : commit.manifests()) {
        ManifestFile manifest = ManifestFiles.decode(encoded);
        try (ManifestReader<DataFile> reader =
            ManifestFiles.read(manifest, table.io(), table.specs())) {
          for (DataFile file : reader) {
            append.appendFile(file.copy());
            files++;
          }
        }
      }
      written += commit.recordsWritten();
      deadLettered += commit.recordsDeadLettered();
      skipped += commit.recordsSkipped();
      maxTimestamp = Math.max(maxTimestamp, commit.maxRecordTimestamp());
      schemaId = Math.max(schemaId, commit.schemaId());
      commit
          .nextOffsets()
          .forEach((partition, next) -> committedOffsets.merge(partition, next, Math::max));
    }
    append.set(CommitSummary.FLINK_JOB_ID, commitJobId);
    append.set(CommitSummary.FLINK_OPERATOR_ID, operatorId);
    append.set(CommitSummary.FLINK_MAX_COMMITTED_CHECKPOINT_ID, Long.toString(upToCheckpointId));
    append.set(CommitSummary.PIPELINE, pipeline);
    append.set(CommitSummary.LOADER_VERSION, loaderVersion);
    append.set(CommitSummary.SCHEMA_ID, Integer.toString(schemaId));
    append.set(CommitSummary.RECORDS_WRITTEN, Long.toString(written));
    append.set(CommitSummary.RECORDS_DEAD_LETTERED, Long.toString(deadLettered));
    append.set(CommitSummary.RECORDS_SKIPPED, Long.toString(skipped));
    append.set(CommitSummary.KAFKA_OFFSETS, CommitSummary.formatOffsets(committedOffsets));
    append.set(CommitSummary.MAX_RECORD_TIMESTAMP, Long.toString(maxTimestamp));
    append.set(CommitSummary.CHECKPOINTS, commits.firstKey() + "-" + commits.lastKey());
    append.commit();
    lastCommitMillis = System.currentTimeMillis() - start;
    if (this.commits != null) {
      this.commits.inc();
    }
    LOG.info(
        "Committed checkpoints {}-{} of {}: {} files, {} rows, {} dead-lettered, {} skipped in {} ms",
        commits.firstKey(),
        commits.lastKey(),
        pipeline,
        files,
        written,
        deadLettered,
        skipped,
        lastCommitMillis);
  }

  private void deleteManifests(Iterable<PendingCommit> commits) {
    for (PendingCommit commit : commits) {
      for (byte[] encoded : commit.manifests()) {
        try {
          table.io().deleteFile(ManifestFiles.decode(encoded).path());
        } catch (IOException | RuntimeException e) {
          LOG.warn(
              "Cannot delete a temporary manifest; it is harmless and orphan cleanup removes it",
              e);
        }
      }
    }
  }

  /**
   * The highest checkpoint this job's committer committed, from the retained snapshots' summaries
   * (all of them, so that an expired parent does not hide a later commit); -1 if none.
   */
  static long maxCommittedCheckpointId(Table table, String jobId, String operatorId) {
    long max = NO_CHECKPOINT;
    for (Snapshot snapshot : table.snapshots()) {
      Map<String, String> summary = snapshot.summary();
      if (jobId.equals(summary.get(CommitSummary.FLINK_JOB_ID))
          && operatorId.equals(summary.get(CommitSummary.FLINK_OPERATOR_ID))) {
        String value = summary.get(CommitSummary.FLINK_MAX_COMMITTED_CHECKPOINT_ID);
        if (value != null) {
          max = Math.max(max, Long.parseLong(value));
        }
      }
    }
    return max;
  }

  /**
   * The Kafka offsets recorded by the pipeline's most recent commit (snapshots are listed oldest
   * first); empty if none.
   */
  public static Map<String, Long> latestOffsets(Table table, String pipeline) {
    Snapshot latest = null;
    for (Snapshot snapshot : table.snapshots()) {
      Map<String, String> summary = snapshot.summary();
      if (pipeline.equals(summary.get(CommitSummary.PIPELINE))
          && summary.containsKey(CommitSummary.KAFKA_OFFSETS)) {
        latest = snapshot;
      }
    }
    return latest == null
        ? Map.of()
        : CommitSummary.parseOffsets(latest.summary().get(CommitSummary.KAFKA_OFFSETS));
  }
}
