package io.floe.control.store;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The pipeline listing as last read, served again while it is younger than its maximum age and this
 * store wrote nothing since. A read is tagged with the number of writes before it began; a write
 * counts when its statement ran and again when the transaction it belongs to completed, so a read
 * that could not see a write yet is never served after it.
 */
final class RecentListing {
  private final Duration maxAge;
  private final Clock clock;
  private final AtomicLong writes = new AtomicLong();
  private volatile Read last;

  private record Read(long writes, Instant at, List<PipelineStore.Listed> listing) {}

  RecentListing(Duration maxAge, Clock clock) {
    this.maxAge = requireNonNull(maxAge, "maxAge is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  List<PipelineStore.Listed> get(Supplier<List<PipelineStore.Listed>> read) {
    Instant now = clock.instant();
    Read known = last;
    if (known != null && known.writes() == writes.get() && now.isBefore(known.at().plus(maxAge))) {
      return known.listing();
    }
    long writesBefore = writes.get();
    List<PipelineStore.Listed> listing = read.get();
    last = new Read(writesBefore, now, listing);
    return listing;
  }

  /** This store changed a pipeline or its status. */
  void wrote() {
    writes.incrementAndGet();
    if (TransactionSynchronizationManager.isSynchronizationActive()) {
      TransactionSynchronizationManager.registerSynchronization(
          new TransactionSynchronization() {
            @Override
            public void afterCompletion(int status) {
              writes.incrementAndGet();
            }
          });
    }
  }
}
