package io.floe.loader.sink;

import static java.util.Objects.requireNonNull;

import io.floe.loader.deadletter.DeadLetterPublisher;
import io.floe.loader.metrics.LoaderMetrics;
import io.floe.loader.settings.BadMessagePolicy;
import io.floe.loader.settings.LoaderSettings;
import io.floe.loader.table.PackagedJdbcDrivers;
import io.floe.loader.table.TableAccess;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Table;
import org.apache.iceberg.flink.TableLoader;

/**
 * Commits the writers' files to the table once per completed checkpoint, exactly once, then
 * publishes that commit's dead letters. Pending files survive in operator state until committed;
 * after a restore, the table's snapshot summaries (pipeline, committer identity, highest committed
 * checkpoint) tell which were committed already. The identity is chosen by the loader for every run
 * of the committer and kept in state, never Flink's job id, which Flink may repeat across runs.
 * Dead letters wait in a file named by the commit until they are published; a file still there
 * after a restart is published again unless the dead-letter topic shows it was. Every commit
 * records the pipeline, loader version, schema id, counters and Kafka offsets. With routing, each
 * checkpoint commits first to every routed table that got rows, then to the pipeline's table.
 */
public final class TableCommitterOperator extends AbstractStreamOperator<Void>
    implements OneInputStreamOperator<WrittenFiles, Void>, BoundedOneInput {
  private static final long serialVersionUID = 1L;

  private final HashMap<String, String> settings;
  private final String loaderVersion;
  private final HashMap<String, Long> startPositions;
  private final Properties kafkaClientProperties;

  private transient TableLoader tableLoader;
  private transient String pipeline;
  private transient String committerId;
  private transient TreeMap<Long, PendingCommit> pending;
  private transient List<WrittenFiles> current;
  private transient long maxCommittedCheckpointId;
  private transient CommitterState state;
  private transient DeadLetterPublisher publisher;
  private transient PendingCheckpoints files;
  private transient CheckpointCommitter committer;
  private transient LoaderSettings loaderSettings;
  private transient String jobId;
  private transient Map<String, RoutedTable> routedTables;
  private transient Counter commits;

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
    loaderSettings = LoaderSettings.parse(settings);
    routedTables = new TreeMap<>();
    pipeline = loaderSettings.pipelineName();
    tableLoader = TableAccess.tableLoader(loaderSettings.table());
    PackagedJdbcDrivers.deregisterOnRelease(getRuntimeContext());
    tableLoader.open();
    Table table = tableLoader.loadTable();
    committerId = newCommitterId();
    jobId = getContainingTask().getEnvironment().getJobID().toString();
    pending = new TreeMap<>();
    current = new ArrayList<>();
    maxCommittedCheckpointId = CommittedSnapshots.NO_CHECKPOINT;
    state = new CommitterState(context.getOperatorStateStore());
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
    DeadLetterOutbox outbox = new DeadLetterOutbox(table, pipeline, publisher);
    files = new PendingCheckpoints(table, committerId, outbox);
    committer =
        new CheckpointCommitter(
            table,
            pipeline,
            committerId,
            jobId,
            getOperatorID().toString(),
            loaderVersion,
            files,
            outbox,
            loaderSettings.writing().upsert());
    outbox.publishUnpublished();
    if (context.isRestored()) {
      commitRestored();
    } else {
      committer.recordStartPositions(startPositions);
    }
  }

  /** Commits what the restored state holds and the table does not (by the restored identity). */
  private void commitRestored() throws Exception {
    byte[] restoredPending = state.restoredPending();
    if (restoredPending == null) {
      return;
    }
    String restoredId = state.restoredIdentity();
    TreeMap<Long, PendingCommit> restored = PendingCommit.deserialize(restoredPending);
    for (Map.Entry<String, TreeMap<Long, PendingCommit>> table : byRoutedTable(restored)) {
      routedTable(table.getKey()).committer.commitRestored(restoredId, table.getValue());
    }
    committer.commitRestored(restoredId, restored);
  }

  /**
   * Commits the routed tables' share of the checkpoints, one snapshot per table, before the
   * pipeline's table: its commit is the last of a checkpoint, so its offsets are where a start
   * without state resumes, and each routed table's own offsets tell the writers what it holds.
   */
  private void commitRouted(NavigableMap<Long, PendingCommit> checkpoints, long upToCheckpointId)
      throws IOException {
    for (Map.Entry<String, TreeMap<Long, PendingCommit>> table : byRoutedTable(checkpoints)) {
      RoutedTable routed = routedTable(table.getKey());
      routed.committer.commit(table.getValue(), committerId, upToCheckpointId);
      routed.files.deleteManifests(table.getValue().values());
    }
  }

  private static List<Map.Entry<String, TreeMap<Long, PendingCommit>>> byRoutedTable(
      Map<Long, PendingCommit> checkpoints) {
    TreeMap<String, TreeMap<Long, PendingCommit>> byTable = new TreeMap<>();
    checkpoints.forEach(
        (checkpointId, commit) ->
            commit
                .routed()
                .forEach(
                    (table, routed) ->
                        byTable
                            .computeIfAbsent(table, name -> new TreeMap<>())
                            .put(checkpointId, routed)));
    return new ArrayList<>(byTable.entrySet());
  }

  /** The committer of a routed table, opened at its first checkpoint. */
  private RoutedTable routedTable(String name) throws IOException {
    RoutedTable routed = routedTables.get(name);
    if (routed == null) {
      TableLoader loader = TableAccess.tableLoader(loaderSettings.table().withName(name));
      loader.open();
      Table table = loader.loadTable();
      // A routed table's commits carry no dead letters: they go with the pipeline's table.
      DeadLetterOutbox noDeadLetters = new DeadLetterOutbox(table, pipeline, null);
      PendingCheckpoints pendingFiles = new PendingCheckpoints(table, committerId, noDeadLetters);
      CheckpointCommitter tableCommitter =
          new CheckpointCommitter(
              table,
              pipeline,
              committerId,
              jobId,
              getOperatorID().toString(),
              loaderVersion,
              pendingFiles,
              noDeadLetters,
              false);
      if (commits != null) {
        tableCommitter.countCommitsIn(commits);
      }
      routed = new RoutedTable(loader, pendingFiles, tableCommitter);
      routedTables.put(name, routed);
    }
    return routed;
  }

  /** A routed table's loader, pending files and committer. */
  private static final class RoutedTable {
    private final TableLoader loader;
    private final PendingCheckpoints files;
    private final CheckpointCommitter committer;

    RoutedTable(TableLoader loader, PendingCheckpoints files, CheckpointCommitter committer) {
      this.loader = loader;
      this.files = files;
      this.committer = committer;
    }
  }

  @Override
  public void open() throws Exception {
    super.open();
    MetricGroup group = LoaderMetrics.exportedGroup(getMetricGroup(), pipeline);
    commits = group.counter("commits");
    committer.countCommitsIn(commits);
    routedTables.values().forEach(routed -> routed.committer.countCommitsIn(commits));
    group.gauge("lastCommitDurationMillis", committer::lastCommitMillis);
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
      pending.put(checkpointId, toPending(checkpointId));
      current.clear();
    }
    state.save(pending, committerId);
  }

  /** The checkpoint's files in temporary manifests beside each table's metadata. */
  private PendingCommit toPending(long checkpointId) throws IOException {
    PendingCommit commit = files.toPending(current, checkpointId);
    TreeMap<String, List<WrittenFiles>> byTable = new TreeMap<>();
    for (WrittenFiles written : current) {
      written
          .routed()
          .forEach(
              (table, routed) ->
                  byTable
                      .computeIfAbsent(table, name -> new ArrayList<>())
                      .add(
                          new WrittenFiles(
                              checkpointId,
                              routed.schemaId(),
                              routed.dataFiles().toArray(new DataFile[0]),
                              routed.recordsWritten(),
                              0,
                              0,
                              commit.nextOffsets(),
                              routed.maxRecordTimestamp())));
    }
    if (byTable.isEmpty()) {
      return commit;
    }
    Map<String, PendingCommit> routed = new TreeMap<>();
    for (Map.Entry<String, List<WrittenFiles>> table : byTable.entrySet()) {
      routed.put(
          table.getKey(),
          routedTable(table.getKey()).files.toPending(table.getValue(), checkpointId));
    }
    return commit.withRouted(routed);
  }

  @Override
  public void notifyCheckpointComplete(long checkpointId) throws Exception {
    super.notifyCheckpointComplete(checkpointId);
    if (checkpointId <= maxCommittedCheckpointId) {
      return;
    }
    NavigableMap<Long, PendingCommit> ready = pending.headMap(checkpointId, true);
    if (!ready.isEmpty()) {
      commitRouted(ready, checkpointId);
      committer.commit(ready, committerId, checkpointId);
      files.deleteManifests(ready.values());
      ready.clear();
    }
    maxCommittedCheckpointId = checkpointId;
  }

  @Override
  public void endInput() throws IOException {
    if (!current.isEmpty()) {
      pending.put(Long.MAX_VALUE, toPending(Long.MAX_VALUE));
      current.clear();
    }
    if (!pending.isEmpty()) {
      commitRouted(pending, pending.lastKey());
      committer.commit(pending, committerId, pending.lastKey());
      files.deleteManifests(pending.values());
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
      if (routedTables != null) {
        for (RoutedTable routed : routedTables.values()) {
          routed.loader.close();
        }
      }
    } finally {
      super.close();
    }
  }

  /** A new committer identity: 32 hex digits, unique to this run of the committer. */
  private static String newCommitterId() {
    UUID uuid = UUID.randomUUID();
    return String.format(
        "%016x%016x", uuid.getMostSignificantBits(), uuid.getLeastSignificantBits());
  }

  /**
   * The Kafka offsets recorded by the pipeline's most recent commit (snapshots are listed oldest
   * first); empty if none.
   */
  public static Map<String, Long> latestOffsets(Table table, String pipeline) {
    return CommittedSnapshots.latestOffsets(table, pipeline);
  }
}
