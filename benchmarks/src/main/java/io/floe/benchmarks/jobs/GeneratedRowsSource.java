package io.floe.benchmarks.jobs;

import static java.util.Objects.requireNonNull;

import io.floe.loader.sample.SamplePayload;
import java.time.Instant;
import org.apache.flink.streaming.api.functions.source.RichParallelSourceFunction;
import org.apache.flink.table.data.RowData;

/**
 * Emits, once the gate opens, the rows of messages 1..N in memory (subtask k of p: the ids i with i
 * mod p = k), then stays idle so checkpoints, and so commits, go on: the write stage ends, like a
 * loader run, when the table holds N rows. No Kafka, no JSON.
 */
final class GeneratedRowsSource extends RichParallelSourceFunction<RowData> {
  private static final long serialVersionUID = 1L;
  private static final int BATCH = 1_000;

  private final SamplePayload payload;
  private final long records;
  private final Gate gate;
  private volatile boolean running = true;

  GeneratedRowsSource(SamplePayload payload, long records, Gate gate) {
    this.payload = requireNonNull(payload, "payload is null");
    this.records = records;
    this.gate = requireNonNull(gate, "gate is null");
  }

  @Override
  public void run(SourceContext<RowData> context) throws Exception {
    int subtasks = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
    int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
    long id = subtask == 0 ? subtasks : subtask;
    gate.pass();
    while (running && id <= records) {
      Instant now = Instant.now();
      synchronized (context.getCheckpointLock()) {
        for (int i = 0; i < BATCH && id <= records; i++, id += subtasks) {
          context.collect(GeneratedRows.row(payload, id, now));
        }
      }
    }
    while (running) {
      Thread.sleep(100);
    }
  }

  @Override
  public void cancel() {
    running = false;
  }
}
