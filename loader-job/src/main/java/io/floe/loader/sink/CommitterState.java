package io.floe.loader.sink;

import java.util.Iterator;
import java.util.List;
import java.util.TreeMap;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.OperatorStateStore;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.api.common.typeutils.base.array.BytePrimitiveArraySerializer;

/** The committer's Flink operator state: its pending checkpoints and its committer identity. */
final class CommitterState {
  private static final ListStateDescriptor<byte[]> PENDING_STATE =
      new ListStateDescriptor<>("floe-pending-commits", BytePrimitiveArraySerializer.INSTANCE);
  private static final ListStateDescriptor<String> COMMITTER_ID_STATE =
      new ListStateDescriptor<>("floe-committer-id", StringSerializer.INSTANCE);

  /** The state of loaders before the committer identity: Flink's job id in its place. */
  private static final ListStateDescriptor<String> LEGACY_JOB_ID_STATE =
      new ListStateDescriptor<>("floe-job-id", StringSerializer.INSTANCE);

  private final OperatorStateStore store;
  private final ListState<byte[]> pendingState;
  private final ListState<String> committerIdState;

  CommitterState(OperatorStateStore store) throws Exception {
    this.store = store;
    this.pendingState = store.getListState(PENDING_STATE);
    this.committerIdState = store.getListState(COMMITTER_ID_STATE);
  }

  /** The serialized pending checkpoints the state was restored with; null if none. */
  byte[] restoredPending() throws Exception {
    Iterator<byte[]> restored = pendingState.get().iterator();
    return restored.hasNext() ? restored.next() : null;
  }

  /** The identity of the committer whose pending checkpoints the state was restored with. */
  String restoredIdentity() throws Exception {
    Iterator<String> identity = committerIdState.get().iterator();
    if (!identity.hasNext()) {
      identity = store.getListState(LEGACY_JOB_ID_STATE).get().iterator();
    }
    if (!identity.hasNext()) {
      throw new IllegalStateException("Restored pending commits without a committer identity");
    }
    return identity.next();
  }

  void save(TreeMap<Long, PendingCommit> pending, String committerId) throws Exception {
    pendingState.update(List.of(PendingCommit.serialize(pending)));
    committerIdState.update(List.of(committerId));
  }
}
