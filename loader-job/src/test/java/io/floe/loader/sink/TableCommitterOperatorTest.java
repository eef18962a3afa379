package io.floe.loader.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.loader.deadletter.DeadLetter;
import io.floe.loader.parse.BadMessageException;
import io.floe.loader.source.KafkaMessage;
import io.floe.loader.summary.CommitSummary;
import io.floe.loader.summary.CommitterFiles;
import io.floe.loader.testing.TestTables;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once of the committer with Flink's operator harness: snapshot, complete or not, crash,
 * restore, and count the files the table ends up with.
 */
class TableCommitterOperatorTest {
  private static final Schema SCHEMA =
      new Schema(Types.NestedField.required(1, "id", Types.LongType.get()));
  private static final OperatorID OPERATOR = new OperatorID();

  @TempDir Path dir;
  private TestTables tables;
  private Table table;
  private Map<String, String> settings;
  private int nextFile;

  @BeforeEach
  void createTable() {
    tables = new TestTables(dir);
    table = tables.create("events", SCHEMA, PartitionSpec.unpartitioned());
    settings = new HashMap<>(tables.loaderSettings("events"));
    settings.put("pipeline.name", "events");
    settings.put("source.bootstrap-servers", "localhost:9092");
    settings.put("source.topics", "events");
  }

  @AfterEach
  void closeTables() throws Exception {
    tables.close();
  }

  @Test
  void commitsWhenTheCheckpointCompletes() throws Exception {
    JobID job = new JobID();
    try (OneInputStreamOperatorTestHarness<WrittenFiles, Void> harness = open(job, null)) {
      harness.processElement(written(1, 10, 1, Map.of("events:0", 11L)), 1);
      harness.processElement(written(1, 20, 0, Map.of("events:1", 21L)), 1);
      harness.snapshot(1, 1);
      assertThat(committedFiles()).as("nothing before the checkpoint completes").isEmpty();

      harness.notifyOfCompletedCheckpoint(1);
    }

    assertThat(committedFiles()).hasSize(2);
    Map<String, String> summary = table().currentSnapshot().summary();
    assertThat(summary)
        .containsEntry(CommitSummary.FLINK_JOB_ID, job.toString())
        .containsEntry(CommitSummary.FLINK_MAX_COMMITTED_CHECKPOINT_ID, "1")
        .containsEntry(CommitSummary.PIPELINE, "events")
        .containsEntry(CommitSummary.RECORDS_WRITTEN, "30")
        .containsEntry(CommitSummary.RECORDS_DEAD_LETTERED, "1")
        .containsEntry(CommitSummary.KAFKA_OFFSETS, "events:0=11,events:1=21")
        .containsEntry(CommitSummary.CHECKPOINTS, "1-1")
        .containsEntry("added-records", "30");
  }

  @Test
  void aCrashBeforeTheCommitIsCommittedOnRestoreExactlyOnce() throws Exception {
    JobID job = new JobID();
    OperatorSubtaskState checkpoint;
    try (OneInputStreamOperatorTestHarness<WrittenFiles, Void> harness = open(job, null)) {
      harness.processElement(written(1, 10, 0, Map.of("events:0", 11L)), 1);
      checkpoint = harness.snapshot(1, 1);
      // The checkpoint completes in Flink, but the task dies before being told.
    }
    assertThat(committedFiles()).isEmpty();

    try (OneInputStreamOperatorTestHarness<WrittenFiles, Void> restored = open(job, checkpoint)) {
      assertThat(committedFiles()).hasSize(1);
    }
    try (OneInputStreamOperatorTestHarness<WrittenFiles, Void> again = open(job, checkpoint)) {
      assertThat(committedFiles()).as("a second restore from the same checkpoint").hasSize(1);
    }
    assertThat(snapshots()).hasSize(1);
  }

  @Test
  void aCrashAfterTheCommitDoesNotCommitAgain() throws Exception {
    JobID job = new JobID();
    OperatorSubtaskState checkpoint;
    try (OneInputStreamOperatorTestHarness<WrittenFiles, Void> harness = open(job, null)) {
      harness.processElement(written(1, 10, 0, Map.of()), 1);
      checkpoint = harness.snapshot(1, 1);
      harness.notifyOfCompletedCheckpoint(1);
      harness.processElement(written(2, 5, 0, Map.of()), 2);
      // dies before checkpoint 2: its files are discarded and their records will be read again
    }
    try (OneInputStreamOperatorTestHarness<WrittenFiles, Void> restored = open(job, checkpoint)) {
      restored.processElement(written(2, 5, 0, Map.of()), 2);
      restored.snapshot(2, 2);
      restored.notifyOfCompletedCheckpoint(2);
    }
    assertThat(committedFiles()).hasSize(2);
    assertThat(snapshots()).hasSize(2);
  }

  @Test
  void aSavepointRestoredIntoANewJobCommitsThePendingFilesOnceUnderTheOldCommitter()
      throws Exception {
    JobID oldJob = new JobID();
    JobID newJob = new JobID();
    OperatorSubtaskState savepoint;
    try (OneInputStreamOperatorTestHarness<WrittenFiles, Void> harness = open(oldJob, null)) {
      harness.processElement(written(1, 10, 0, Map.of()), 1);
      harness.snapshot(1, 1);
      harness.notifyOfCompletedCheckpoint(1);
      harness.processElement(written(2, 7, 0, Map.of()), 2);
      savepoint = harness.snapshot(2, 2);
    }
    String oldCommitter = table().currentSnapshot().summary().get(CommitSummary.COMMITTER_ID);
    assertThat(oldCommitter).matches("[0-9a-f]{32}");
    OperatorSubtaskState next;
    try (OneInputStreamOperatorTestHarness<WrittenFiles, Void> restored = open(newJob, savepoint)) {
      assertThat(committedFiles()).hasSize(2);
      assertThat(table().currentSnapshot().summary())
          .containsEntry(CommitSummary.COMMITTER_ID, oldCommitter)
          .containsEntry(CommitSummary.FLINK_JOB_ID, newJob.toString())
          .containsEntry(CommitSummary.FLINK_MAX_COMMITTED_CHECKPOINT_ID, "2");
      restored.processElement(written(3, 3, 0, Map.of()), 3);
      next = restored.snapshot(3, 3);
      restored.notifyOfCompletedCheckpoint(3);
    }
    assertThat(table().currentSnapshot().summary().get(CommitSummary.COMMITTER_ID))
        .as("each run of the committer commits under an identity of its own")
        .isNotEqualTo(oldCommitter);
    try (OneInputStreamOperatorTestHarness<WrittenFiles, Void> again = open(newJob, next)) {
      assertThat(committedFiles()).hasSize(3);
    }
    try (OneInputStreamOperatorTestHarness<WrittenFiles, Void> fromOldSavepoint =
        open(new JobID(), savepoint)) {
      assertThat(committedFiles()).as("the old savepoint restored once more").hasSize(3);
    }
  }

  @Test
  void checkpointsWhoseCompletionWasMissedAreCommittedWithTheNextOne() throws Exception {
    try (OneInputStreamOperatorTestHarness<WrittenFiles, Void> harness = open(new JobID(), null)) {
      harness.processElement(written(1, 1, 0, Map.of("events:0", 2L)), 1);
      harness.snapshot(1, 1);
      harness.processElement(written(2, 1, 0, Map.of("events:0", 4L)), 2);
      harness.snapshot(2, 2);
      harness.notifyOfCompletedCheckpoint(2);
    }
    assertThat(committedFiles()).hasSize(2);
    assertThat(snapshots()).hasSize(1);
    assertThat(table().currentSnapshot().summary())
        .containsEntry(CommitSummary.CHECKPOINTS, "1-2")
        .containsEntry(CommitSummary.KAFKA_OFFSETS, "events:0=4");
  }

  @Test
  void deadLettersAloneStillMakeACommitSoHealthSeesThem() throws Exception {
    try (OneInputStreamOperatorTestHarness<WrittenFiles, Void> harness = open(new JobID(), null)) {
      harness.processElement(
          new WrittenFiles(1, 0, new DataFile[0], 0, 3, 0, Map.of("events:0", 3L), 1000), 1);
      harness.snapshot(1, 1);
      harness.notifyOfCompletedCheckpoint(1);
    }
    assertThat(committedFiles()).isEmpty();
    assertThat(table().currentSnapshot().summary())
        .containsEntry(CommitSummary.RECORDS_DEAD_LETTERED, "3")
        .containsEntry(CommitSummary.RECORDS_WRITTEN, "0");
  }

  @Test
  void keepsWhatARestoreNeedsBesideTheMetadataUnderTheNamesOrphanCleanupKnows() throws Exception {
    DeadLetter letter =
        new DeadLetter(
            new KafkaMessage(
                "events", 0, 3, 1000, null, "{".getBytes(StandardCharsets.UTF_8), List.of()),
            new BadMessageException(BadMessageException.Reason.MALFORMED_JSON, "$", "truncated"));
    WrittenFiles written = written(1, 10, 1, Map.of("events:0", 4L));
    try (OneInputStreamOperatorTestHarness<WrittenFiles, Void> harness = open(new JobID(), null)) {
      harness.processElement(
          new WrittenFiles(
              1,
              0,
              written.dataFiles().toArray(new DataFile[0]),
              10,
              1,
              0,
              Map.of("events:0", 4L),
              1000,
              List.of(letter)),
          1);
      harness.snapshot(1, 1);

      // The checkpoint is taken and its commit has not happened: its state names only these files.
      List<String> kept = committerFiles();
      assertThat(kept).hasSize(2).allMatch(CommitterFiles::isCommitterFile);
      assertThat(kept)
          .filteredOn(name -> CommitterFiles.pendingManifestSpecId(name).isPresent())
          .singleElement()
          .satisfies(
              name ->
                  assertThat(CommitterFiles.pendingManifestSpecId(name))
                      .hasValue(table().spec().specId()));
      assertThat(kept).filteredOn(CommitterFiles::isDeadLetterFile).hasSize(1);

      harness.notifyOfCompletedCheckpoint(1);
    }
    assertThat(committerFiles())
        .as("after the commit, the manifest is gone; the dead letters wait for a topic")
        .singleElement()
        .matches(CommitterFiles::isDeadLetterFile);
  }

  @Test
  void offsetsCarryOverFromThePipelinesLastCommit() throws Exception {
    try (OneInputStreamOperatorTestHarness<WrittenFiles, Void> harness = open(new JobID(), null)) {
      harness.processElement(written(1, 1, 0, Map.of("events:0", 5L, "events:1", 9L)), 1);
      harness.snapshot(1, 1);
      harness.notifyOfCompletedCheckpoint(1);
    }
    try (OneInputStreamOperatorTestHarness<WrittenFiles, Void> next = open(new JobID(), null)) {
      next.processElement(written(1, 1, 0, Map.of("events:0", 8L)), 1);
      next.snapshot(1, 1);
      next.notifyOfCompletedCheckpoint(1);
    }
    assertThat(TableCommitterOperator.latestOffsets(table(), "events"))
        .isEqualTo(Map.of("events:0", 8L, "events:1", 9L));
  }

  @Test
  void aNewRunWithTheJobIdOfAnEarlierOneCommitsItsFirstCheckpointAtOnce() throws Exception {
    // Flink in application mode with high availability (how Managed Flink runs jobs) can give
    // every run the same job id.
    JobID job = new JobID();
    try (OneInputStreamOperatorTestHarness<WrittenFiles, Void> earlier = open(job, null)) {
      for (long checkpoint = 1; checkpoint <= 3; checkpoint++) {
        earlier.processElement(written(checkpoint, 1, 0, Map.of()), checkpoint);
        earlier.snapshot(checkpoint, checkpoint);
        earlier.notifyOfCompletedCheckpoint(checkpoint);
      }
    }
    try (OneInputStreamOperatorTestHarness<WrittenFiles, Void> next = open(job, null)) {
      next.processElement(written(1, 1, 0, Map.of()), 1);
      next.snapshot(1, 1);
      next.notifyOfCompletedCheckpoint(1);
      assertThat(committedFiles()).as("the new run's first checkpoint, committed").hasSize(4);
    }
  }

  @Test
  void aRestoreIntoARunWithTheSameJobIdDoesNotDropFilesThatWereNeverCommitted() throws Exception {
    JobID job = new JobID();
    try (OneInputStreamOperatorTestHarness<WrittenFiles, Void> earlier = open(job, null)) {
      for (long checkpoint = 1; checkpoint <= 3; checkpoint++) {
        earlier.processElement(written(checkpoint, 1, 0, Map.of()), checkpoint);
        earlier.snapshot(checkpoint, checkpoint);
        earlier.notifyOfCompletedCheckpoint(checkpoint);
      }
    }
    OperatorSubtaskState checkpoint;
    try (OneInputStreamOperatorTestHarness<WrittenFiles, Void> next = open(job, null)) {
      next.processElement(written(1, 1, 0, Map.of()), 1);
      checkpoint = next.snapshot(1, 1);
      // dies before it hears that checkpoint 1 completed
    }
    try (OneInputStreamOperatorTestHarness<WrittenFiles, Void> restored = open(job, checkpoint)) {
      assertThat(committedFiles()).as("the restored checkpoint's file, committed").hasSize(4);
    }
  }

  @Test
  void anOldSavepointWhoseCommitHasExpiredIsNotCommittedAgain() throws Exception {
    OperatorSubtaskState savepoint;
    try (OneInputStreamOperatorTestHarness<WrittenFiles, Void> harness = open(new JobID(), null)) {
      harness.processElement(written(1, 10, 0, Map.of("events:0", 10L)), 1);
      savepoint = harness.snapshot(1, 1);
      harness.notifyOfCompletedCheckpoint(1);
    }
    long committed = table().currentSnapshot().snapshotId();
    try (OneInputStreamOperatorTestHarness<WrittenFiles, Void> later = open(new JobID(), null)) {
      later.processElement(written(1, 5, 0, Map.of("events:0", 15L)), 1);
      later.snapshot(1, 1);
      later.notifyOfCompletedCheckpoint(1);
    }
    // Snapshot expiry removed the commit of the savepoint's checkpoint, not its files.
    table().expireSnapshots().expireSnapshotId(committed).cleanExpiredFiles(false).commit();

    try (OneInputStreamOperatorTestHarness<WrittenFiles, Void> restored =
        open(new JobID(), savepoint)) {
      assertThat(committedFiles()).as("the savepoint's checkpoint, not committed again").hasSize(2);
    }
    assertThat(snapshots()).hasSize(1);
  }

  @Test
  void twoPipelinesWritingOneTableKeepTheirOwnCommitMarks() throws Exception {
    JobID job = new JobID();
    Map<String, String> other = new HashMap<>(settings);
    other.put("pipeline.name", "other");
    try (OneInputStreamOperatorTestHarness<WrittenFiles, Void> first = open(job, null, other)) {
      for (long checkpoint = 1; checkpoint <= 5; checkpoint++) {
        first.processElement(written(checkpoint, 1, 0, Map.of()), checkpoint);
        first.snapshot(checkpoint, checkpoint);
        first.notifyOfCompletedCheckpoint(checkpoint);
      }
    }
    OperatorSubtaskState checkpoint;
    try (OneInputStreamOperatorTestHarness<WrittenFiles, Void> second = open(job, null)) {
      second.processElement(written(1, 1, 0, Map.of()), 1);
      second.processElement(written(2, 1, 0, Map.of()), 2);
      checkpoint = second.snapshot(2, 2);
    }
    try (OneInputStreamOperatorTestHarness<WrittenFiles, Void> restored = open(job, checkpoint)) {
      assertThat(committedFiles()).as("both pipelines' files").hasSize(7);
    }
  }

  private OneInputStreamOperatorTestHarness<WrittenFiles, Void> open(
      JobID job, OperatorSubtaskState restoreFrom) throws Exception {
    return open(job, restoreFrom, settings);
  }

  private OneInputStreamOperatorTestHarness<WrittenFiles, Void> open(
      JobID job, OperatorSubtaskState restoreFrom, Map<String, String> settings) throws Exception {
    MockEnvironment environment =
        new MockEnvironmentBuilder()
            .setJobID(job)
            .setParallelism(1)
            .setMaxParallelism(1)
            .setSubtaskIndex(0)
            .build();
    OneInputStreamOperatorTestHarness<WrittenFiles, Void> harness =
        new OneInputStreamOperatorTestHarness<>(
            new TableCommitterOperator(settings, "test", Map.of(), new Properties()), environment);
    harness.getStreamConfig().setOperatorID(OPERATOR);
    harness.setup();
    harness.initializeState(restoreFrom);
    harness.open();
    return harness;
  }

  private WrittenFiles written(
      long checkpoint, long records, long deadLettered, Map<String, Long> offsets) {
    DataFile file =
        DataFiles.builder(PartitionSpec.unpartitioned())
            .withPath(dir.resolve("data-" + nextFile++ + ".parquet").toString())
            .withFormat(FileFormat.PARQUET)
            .withFileSizeInBytes(1024)
            .withRecordCount(records)
            .build();
    return new WrittenFiles(
        checkpoint, 0, new DataFile[] {file}, records, deadLettered, 0, offsets, 1000);
  }

  private Table table() {
    return tables.load("events");
  }

  private List<String> committedFiles() throws Exception {
    Table current = table();
    List<String> files = new ArrayList<>();
    if (current.currentSnapshot() == null) {
      return files;
    }
    try (CloseableIterable<FileScanTask> tasks = current.newScan().planFiles()) {
      tasks.forEach(task -> files.add(task.file().location()));
    }
    return files;
  }

  /** The names of the files the committer keeps in the table's metadata folder. */
  private List<String> committerFiles() throws Exception {
    Path metadata = Path.of(URI.create(table().location())).resolve("metadata");
    try (Stream<Path> files = Files.list(metadata)) {
      return files
          .map(file -> file.getFileName().toString())
          .filter(CommitterFiles::isCommitterFile)
          .collect(Collectors.toList());
    }
  }

  private List<Snapshot> snapshots() {
    List<Snapshot> snapshots = new ArrayList<>();
    table().snapshots().forEach(snapshots::add);
    return snapshots;
  }
}
