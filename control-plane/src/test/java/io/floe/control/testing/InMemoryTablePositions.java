package io.floe.control.testing;

import io.floe.control.catalog.TablePositions;
import io.floe.loader.settings.TableSettings;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Read positions and commit times in memory, per pipeline, for unit tests; every move is kept with
 * the record it was made with, as the table's commits keep them.
 */
public final class InMemoryTablePositions implements TablePositions {
  private final Map<String, Map<String, Long>> positions = new HashMap<>();
  private final Map<String, Instant> newestCommits = new HashMap<>();
  private final List<String> moves = new CopyOnWriteArrayList<>();
  private volatile Consumer<String> afterMove = move -> {};

  /** Called after every move, with what moved. */
  public void afterMove(Consumer<String> listener) {
    this.afterMove = listener;
  }

  @Override
  public synchronized Map<String, Long> current(String pipeline, TableSettings table) {
    return Map.copyOf(positions.getOrDefault(pipeline, Map.of()));
  }

  @Override
  public synchronized Optional<Instant> newestCommit(String pipeline, TableSettings table) {
    return Optional.ofNullable(newestCommits.get(pipeline));
  }

  @Override
  public void move(String pipeline, TableSettings table, Map<String, Long> moved, String record) {
    synchronized (this) {
      Map<String, Long> next = new HashMap<>(positions.getOrDefault(pipeline, Map.of()));
      next.putAll(moved);
      positions.put(pipeline, next);
      moves.add(pipeline + " " + moved + " " + record);
    }
    afterMove.accept(pipeline + " " + moved);
  }

  /** The pipeline committed at {@code at}. */
  public synchronized void committed(String pipeline, Instant at) {
    newestCommits.put(pipeline, at);
  }

  /** Every move, in order. */
  public List<String> moves() {
    return List.copyOf(moves);
  }
}
