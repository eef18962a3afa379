package io.floe.loader.sink;

import static java.util.Objects.requireNonNull;

import io.floe.loader.deadletter.DeadLetter;
import io.floe.loader.deadletter.DeadLetterCodec;
import io.floe.loader.deadletter.DeadLetterPublisher;
import io.floe.loader.metrics.LoaderMetrics;
import io.floe.loader.settings.BadMessagePolicy;
import io.floe.loader.settings.LoaderSettings;
import io.floe.loader.summary.CommitSummary;
import io.floe.loader.summary.CommitterFiles;
import io.floe.loader.table.PackagedJdbcDrivers;
import io.floe.loader.table.TableAccess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Properties;
import java.util.Set;
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
 * Commits the writers' files to the table once per completed checkpoint, exactly once, then
 * publishes that commit's dead letters. Pending files survive in operator state until committed;
 * after a restore, the table's snapshot summaries (pipeline, committer identity, highest committed
 * checkpoint) tell which were committed already. The identity is chosen by the loader for every run
 * of the committer and kept in state, never Flink's job id, which Flink may repeat across runs.
 * Dead letters wait in a file named by the commit until they are published; a file still there
 * after a restart is published again unless the dead-letter topic shows it was. Every commit
 * records the pipeline, loader version, schema id, counters and Kafka offsets.
 */
public final class TableCommitterOperator extends AbstractStreamOperator<Void>
    implements OneInputStreamOperator<WrittenFiles, Void>, BoundedOneInput {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(TableCommitterOperator.class);
  private static final int TEMPORARY_MANIFEST_FORMAT = 2;
  private static final long NO_CHECKPOINT = -1;

  private static final ListStateDescriptor<byte[]> PENDING_STATE =
      new ListStateDescriptor<>("floe-pending-commits", BytePrimitiveArraySerializer.INSTANCE);
  private static final ListStateDescriptor<String> COMMITTER_ID_STATE =
      new ListStateDescriptor<>("floe-committer-id", StringSerializer.INSTANCE);

  /** The state of loaders before the committer identity: Flink's job id in its place. */
  private static final ListStateDescriptor<String> LEGACY_JOB_ID_STATE =
      new ListStateDescriptor<>("floe-job-id", StringSerializer.INSTANCE);

  private final HashMap<String, String> settings;
  private final String loaderVersion;
  private final HashMap<String, Long> startPositions;
  private final Properties kafkaClientProperties;

  private transient String pipeline;
  private transient TableLoader tableLoader;
  private transient Table table;
  private transient String committerId;
  private transient String jobId;
  private transient TreeMap<Long, PendingCommit> pending;
  private transient List<WrittenFiles> current;
  private transient Map<String, Long> committedOffsets;
  private transient long maxCommittedCheckpointId;
  private transient ListState<byte[]> pendingState;
  private transient ListState<String> committerIdState;
  private transient DeadLetterPublisher publisher;
  private transient Counter commits;
  private transient volatile long lastCommitMillis;

  /**
   * @param startPositions where a run without restored state starts the partitions the table holds
   *     no offsets for (a new pipeline's starting rule), recorded in the table before anything else
   *     so that the starting position applies once
   * @param kafkaClientProperties the pipeline's Kafka client properties, for dead letters
   */
  public TableCommitterOperator(
      Map<String, String> settings,
      String loaderVersion,
      Map<String, Long> startPositions,
      Properties kafkaClientProperties) {
    this.settings = new HashMap<>(requireNonNull(settings, "settings is null"));
    this.loaderVersion = requireNonNull(loaderVersion, "loaderVersion is null");
    this.startPositions = new HashMap<>(requireNonNull(startPositions, "startPositions is null"));
    this.kafkaClientProperties = new Properties();
    this.kafkaClientProperties.putAll(
        requireNonNull(kafkaClientProperties, "kafkaClientProperties is null"));
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
    committerId = newCommitterId();
    jobId = getContainingTask().getEnvironment().getJobID().toString();
    pending = new TreeMap<>();
    current = new ArrayList<>();
    maxCommittedCheckpointId = NO_CHECKPOINT;
    committedOffsets = new TreeMap<>(latestOffsets(table, pipeline));
    pendingState = context.getOperatorStateStore().getListState(PENDING_STATE);
    committerIdState = context.getOperatorStateStore().getListState(COMMITTER_ID_STATE);
    if (loaderSettings.badMessages().policy() == BadMessagePolicy.DEAD_LETTER) {
      publisher =
          new DeadLetterPublisher(
              pipeline,
              loaderSettings.badMessages().deadLetterTopic().orElseThrow(),
              loaderSettings.source().bootstrapServers(),
              kafkaClientProperties,
              loaderSettings.badMessages().transactionTimeout());
      publisher.open();
    }
    publishUnpublishedDeadLetters();
    if (context.isRestored()) {
      commitRestored(context);
    } else {
      recordStartPositions();
    }
  }

  /** Commits what the restored state holds and the table does not (by the restored identity). */
  private void commitRestored(StateInitializationContext context) throws Exception {
    Iterator<byte[]> restoredPending = pendingState.get().iterator();
    if (!restoredPending.hasNext()) {
      return;
    }
    Iterator<String> identity = committerIdState.get().iterator();
    if (!identity.hasNext()) {
      identity = context.getOperatorStateStore().getListState(LEGACY_JOB_ID_STATE).get().iterator();
    }
    if (!identity.hasNext()) {
      throw new IllegalStateException("Restored pending commits without a committer identity");
    }
    String restoredId = identity.next();
    TreeMap<Long, PendingCommit> restored = PendingCommit.deserialize(restoredPending.next());
    long restoredMax = maxCommittedCheckpointId(table, pipeline, restoredId);
    NavigableMap<Long, PendingCommit> uncommitted = new TreeMap<>();
    for (Map.Entry<Long, PendingCommit> pending : restored.tailMap(restoredMax, false).entrySet()) {
      if (manifestsExist(pending.getValue())) {
        uncommitted.put(pending.getKey(), pending.getValue());
      } else {
        // The committer deletes a checkpoint's manifests only after committing them: this one was
        // committed, by a snapshot that has expired since (an old savepoint restored late).
        LOG.warn(
            "Checkpoint {} of committer {} is in no retained snapshot, but its pending manifests are"
                + " gone, which happens only after their commit: it was committed",
            pending.getKey(),
            restoredId);
      }
    }
    LOG.info(
        "Restored {} pending checkpoint(s) of committer {}; the table has up to checkpoint {};"
            + " committing {}",
        restored.size(),
        restoredId,
        restoredMax,
        uncommitted.keySet());
    if (!uncommitted.isEmpty()) {
      commit(uncommitted, restoredId, uncommitted.lastKey());
    }
    deleteManifests(restored.values());
  }

  /**
   * A new pipeline's starting rule resolved to positions (latest, a timestamp): recorded in the
   * table before the first row, so that a start without state continues from them instead of
   * applying the rule again.
   */
  private void recordStartPositions() {
    if (startPositions.isEmpty()) {
      return;
    }
    table.refresh();
    Map<String, Long> recorded = latestOffsets(table, pipeline);
    Map<String, Long> offsets = new TreeMap<>(recorded);
    startPositions.forEach(offsets::putIfAbsent);
    if (offsets.equals(recorded)) {
      return;
    }
    AppendFiles append = table.newAppend();
    append.set(CommitSummary.PIPELINE, pipeline);
    append.set(CommitSummary.COMMITTER_ID, committerId);
    append.set(CommitSummary.FLINK_JOB_ID, jobId);
    append.set(CommitSummary.COMMIT_KIND, CommitSummary.KIND_START_POSITIONS);
    append.set(CommitSummary.LOADER_VERSION, loaderVersion);
    append.set(CommitSummary.RECORDS_WRITTEN, "0");
    append.set(CommitSummary.RECORDS_DEAD_LETTERED, "0");
    append.set(CommitSummary.RECORDS_SKIPPED, "0");
    append.set(CommitSummary.KAFKA_OFFSETS, CommitSummary.formatOffsets(offsets));
    append.commit();
    committedOffsets.putAll(offsets);
    LOG.info("Recorded where {} starts reading: {}", pipeline, offsets);
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
    committerIdState.update(List.of(committerId));
  }

  @Override
  public void notifyCheckpointComplete(long checkpointId) throws Exception {
    super.notifyCheckpointComplete(checkpointId);
    if (checkpointId <= maxCommittedCheckpointId) {
      return;
    }
    NavigableMap<Long, PendingCommit> ready = pending.headMap(checkpointId, true);
    if (!ready.isEmpty()) {
      commit(ready, committerId, checkpointId);
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
      commit(pending, committerId, pending.lastKey());
      deleteManifests(pending.values());
      pending.clear();
    }
  }

  @Override
  public void close() throws Exception {
    try {
      if (publisher != null) {
        publisher.close();
      }
      if (tableLoader != null) {
        tableLoader.close();
      }
    } finally {
      super.close();
    }
  }

  /**
   * Writes the checkpoint's files into temporary manifests and its dead letters into a file,
   * keeping only their locations and counters.
   */
  private PendingCommit toPending(List<WrittenFiles> results, long checkpointId)
      throws IOException {
    Map<Integer, List<DataFile>> filesBySpec = new TreeMap<>();
    List<DeadLetter> deadLetters = new ArrayList<>();
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
      deadLetters.addAll(result.deadLetters());
      written += result.recordsWritten();
      deadLettered += result.recordsDeadLettered();
      skipped += result.recordsSkipped();
      maxTimestamp = Math.max(maxTimestamp, result.maxRecordTimestamp());
      schemaId = Math.max(schemaId, result.schemaId());
      result.nextOffsets().forEach((partition, next) -> offsets.merge(partition, next, Math::max));
    }
    List<byte[]> manifests = new ArrayList<>();
    for (Map.Entry<Integer, List<DataFile>> entry : filesBySpec.entrySet()) {
      OutputFile file =
          newMetadataFile(
              CommitterFiles.pendingManifestName(
                  committerId, checkpointId, entry.getKey(), UUID.randomUUID()));
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
    List<String> deadLetterFiles = new ArrayList<>();
    if (!deadLetters.isEmpty()) {
      OutputFile file =
          newMetadataFile(
              CommitterFiles.deadLetterFileName(committerId, checkpointId, UUID.randomUUID()));
      try (OutputStream out = file.createOrOverwrite()) {
        DeadLetterCodec.write(deadLetters, out);
      }
      deadLetterFiles.add(file.location());
    }
    return new PendingCommit(
        manifests,
        schemaId,
        written,
        deadLettered,
        skipped,
        offsets,
        maxTimestamp,
        deadLetterFiles);
  }

  private OutputFile newMetadataFile(String name) {
    return table
        .io()
        .newOutputFile(((HasTableOperations) table).operations().metadataFileLocation(name));
  }

  private void commit(
      NavigableMap<Long, PendingCommit> commits, String identity, long upToCheckpointId)
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
    List<String> deadLetterFiles = new ArrayList<>();
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
      deadLetterFiles.addAll(commit.deadLetterFiles());
      written += commit.recordsWritten();
      deadLettered += commit.recordsDeadLettered();
      skipped += commit.recordsSkipped();
      maxTimestamp = Math.max(maxTimestamp, commit.maxRecordTimestamp());
      schemaId = Math.max(schemaId, commit.schemaId());
      commit
          .nextOffsets()
          .forEach((partition, next) -> committedOffsets.merge(partition, next, Math::max));
    }
    String checkpoint = Long.toString(upToCheckpointId);
    append.set(CommitSummary.PIPELINE, pipeline);
    append.set(CommitSummary.COMMITTER_ID, identity);
    append.set(CommitSummary.FLINK_JOB_ID, jobId);
    append.set(CommitSummary.FLINK_OPERATOR_ID, getOperatorID().toString());
    append.set(CommitSummary.FLINK_MAX_COMMITTED_CHECKPOINT_ID, checkpoint);
    append.set(CommitSummary.LOADER_VERSION, loaderVersion);
    append.set(CommitSummary.SCHEMA_ID, Integer.toString(schemaId));
    append.set(CommitSummary.RECORDS_WRITTEN, Long.toString(written));
    append.set(CommitSummary.RECORDS_DEAD_LETTERED, Long.toString(deadLettered));
    append.set(CommitSummary.RECORDS_SKIPPED, Long.toString(skipped));
    append.set(CommitSummary.KAFKA_OFFSETS, CommitSummary.formatOffsets(committedOffsets));
    append.set(CommitSummary.MAX_RECORD_TIMESTAMP, Long.toString(maxTimestamp));
    append.set(CommitSummary.CHECKPOINTS, commits.firstKey() + "-" + commits.lastKey());
    if (!deadLetterFiles.isEmpty()) {
      append.set(CommitSummary.DEAD_LETTER_FILES, String.join(",", deadLetterFiles));
    }
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
    if (!deadLetterFiles.isEmpty()) {
      publish(committedSnapshot(identity, checkpoint), deadLetterFiles);
    }
  }

  /** The snapshot this committer just committed for the checkpoint. */
  private long committedSnapshot(String identity, String checkpoint) {
    for (Snapshot snapshot = table.currentSnapshot();
        snapshot != null;
        snapshot = snapshot.parentId() == null ? null : table.snapshot(snapshot.parentId())) {
      Map<String, String> summary = snapshot.summary();
      if (identity.equals(summary.get(CommitSummary.COMMITTER_ID))
          && checkpoint.equals(summary.get(CommitSummary.FLINK_MAX_COMMITTED_CHECKPOINT_ID))) {
        return snapshot.snapshotId();
      }
    }
    throw new IllegalStateException(
        "The commit of checkpoint " + checkpoint + " by " + identity + " is not in the table");
  }

  /** Publishes a commit's dead letters, then deletes their files: a file left means maybe not. */
  private void publish(long snapshotId, List<String> files) throws IOException {
    if (publisher == null) {
      LOG.warn(
          "Snapshot {} holds dead letters but {} has no dead-letter topic any more: keeping {}",
          snapshotId,
          pipeline,
          files);
      return;
    }
    List<DeadLetter> letters = new ArrayList<>();
    for (String file : files) {
      try (InputStream in = table.io().newInputFile(file).newStream()) {
        letters.addAll(DeadLetterCodec.read(in));
      }
    }
    publisher.publish(snapshotId, letters);
    for (String file : files) {
      table.io().deleteFile(file);
    }
  }

  /**
   * After a restart: the dead letters of the pipeline's commits whose files are still there were
   * perhaps not published (the run stopped between its commit and the end of the publication). The
   * newest of them that the dead-letter topic names was published, and so were those before it; the
   * rest are published now, oldest first.
   */
  private void publishUnpublishedDeadLetters() throws IOException {
    List<Snapshot> waiting = new ArrayList<>();
    for (Snapshot snapshot : table.snapshots()) {
      Map<String, String> summary = snapshot.summary();
      if (pipeline.equals(summary.get(CommitSummary.PIPELINE))
          && deadLetterFiles(snapshot).stream()
              .anyMatch(f -> table.io().newInputFile(f).exists())) {
        waiting.add(snapshot);
      }
    }
    if (waiting.isEmpty()) {
      return;
    }
    if (publisher == null) {
      LOG.warn(
          "{} commit(s) of {} hold dead letters that may not have been published, and the pipeline"
              + " has no dead-letter topic any more",
          waiting.size(),
          pipeline);
      return;
    }
    Set<Long> published = publisher.newestPublished();
    int firstUnpublished = 0;
    for (int i = 0; i < waiting.size(); i++) {
      Snapshot snapshot = waiting.get(i);
      // Files are deleted only after their publication: one already gone means published.
      boolean partlyDeleted =
          deadLetterFiles(snapshot).stream().anyMatch(f -> !table.io().newInputFile(f).exists());
      if (partlyDeleted || published.contains(snapshot.snapshotId())) {
        firstUnpublished = i + 1;
      }
    }
    for (int i = 0; i < waiting.size(); i++) {
      Snapshot snapshot = waiting.get(i);
      List<String> files = deadLetterFiles(snapshot);
      if (i < firstUnpublished) {
        LOG.info(
            "Dead letters of snapshot {} were published before the restart", snapshot.snapshotId());
        for (String file : files) {
          if (table.io().newInputFile(file).exists()) {
            table.io().deleteFile(file);
          }
        }
      } else {
        LOG.info(
            "Publishing the dead letters of snapshot {} after a restart", snapshot.snapshotId());
        publish(snapshot.snapshotId(), files);
      }
    }
  }

  private boolean manifestsExist(PendingCommit commit) throws IOException {
    for (byte[] encoded : commit.manifests()) {
      if (!table.io().newInputFile(ManifestFiles.decode(encoded).path()).exists()) {
        return false;
      }
    }
    return true;
  }

  private static List<String> deadLetterFiles(Snapshot snapshot) {
    String files = snapshot.summary().get(CommitSummary.DEAD_LETTER_FILES);
    return files == null || files.isEmpty() ? List.of() : List.of(files.split(","));
  }

  private void deleteManifests(Iterable<PendingCommit> commits) {
    for (PendingCommit commit : commits) {
      for (byte[] encoded : commit.manifests()) {
        try {
          table.io().deleteFile(ManifestFiles.decode(encoded).path());
        } catch (IOException | RuntimeException e) {
          LOG.warn(
              "Cannot delete the temporary manifest of files now committed; it stays beside the"
                  + " table's metadata (orphan cleanup keeps every pending manifest)",
              e);
        }
      }
    }
  }

  /** A new committer identity: 32 hex digits, unique to this run of the committer. */
  private static String newCommitterId() {
    UUID uuid = UUID.randomUUID();
    return String.format(
        "%016x%016x", uuid.getMostSignificantBits(), uuid.getLeastSignificantBits());
  }

  /**
   * The highest checkpoint the committer with this identity committed for the pipeline, from the
   * retained snapshots' summaries (all of them, so that an expired parent does not hide a later
   * commit); -1 if none. Commits of loaders before the committer identity carry only Flink's job
   * id, which their state holds in its place.
   */
  static long maxCommittedCheckpointId(Table table, String pipeline, String identity) {
    long max = NO_CHECKPOINT;
    for (Snapshot snapshot : table.snapshots()) {
      Map<String, String> summary = snapshot.summary();
      String committer = summary.get(CommitSummary.COMMITTER_ID);
      boolean ours =
          committer != null
              ? committer.equals(identity)
              : identity.equals(summary.get(CommitSummary.FLINK_JOB_ID));
      if (ours && pipeline.equals(summary.get(CommitSummary.PIPELINE))) {
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
    List<Map<String, String>> summaries = new ArrayList<>();
    table.snapshots().forEach(snapshot -> summaries.add(snapshot.summary()));
    return CommitSummary.latestOffsets(summaries, pipeline);
  }
}
