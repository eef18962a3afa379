package io.floe.control.store;

import static io.floe.control.store.StoreContractTest.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.floe.control.model.DesiredState;
import io.floe.control.model.ObservedState;
import io.floe.control.testing.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/** When the listing is read again and when the last read is served. */
class RecentListingTest {
  private final ManualClock clock = new ManualClock(T0);
  private final RecentListing listing = new RecentListing(Duration.ofSeconds(1), clock);
  private final AtomicInteger reads = new AtomicInteger();

  private List<PipelineStore.Listed> read() {
    int read = reads.incrementAndGet();
    return List.of(
        new PipelineStore.Listed(
            "p" + read, DesiredState.RUNNING, Map.of(), ObservedState.RUNNING));
  }

  @AfterEach
  void noTransactionLeft() {
    if (TransactionSynchronizationManager.isSynchronizationActive()) {
      TransactionSynchronizationManager.clearSynchronization();
    }
  }

  @Test
  void aReadIsServedUntilItsMaxAge() {
    List<PipelineStore.Listed> first = listing.get(this::read);
    clock.advance(Duration.ofMillis(999));
    assertThat(listing.get(this::read)).isSameAs(first);
    clock.advance(Duration.ofMillis(1));
    assertThat(listing.get(this::read)).isNotEqualTo(first);
    assertThat(reads).hasValue(2);
  }

  @Test
  void aWriteOfThisStoreIsReadAtOnce() {
    listing.get(this::read);
    listing.wrote();
    listing.get(this::read);
    listing.get(this::read);
    assertThat(reads).hasValue(2);
  }

  @Test
  void aReadMadeWhileAWritesTransactionWasOpenIsNotServedOnceItCommitted() {
    TransactionSynchronizationManager.initSynchronization();
    listing.wrote(); // the statement ran; its transaction has not committed yet
    listing.get(this::read); // cannot see the write
    listing.get(this::read);
    assertThat(reads).hasValue(1);

    List<TransactionSynchronization> completion =
        TransactionSynchronizationManager.getSynchronizations();
    TransactionSynchronizationManager.clearSynchronization();
    completion.forEach(sync -> sync.afterCompletion(TransactionSynchronization.STATUS_COMMITTED));

    listing.get(this::read);
    assertThat(reads).hasValue(2);
  }

  @Test
  void aZeroMaxAgeReadsEveryTime() {
    RecentListing always = new RecentListing(Duration.ZERO, clock);
    always.get(this::read);
    always.get(this::read);
    assertThat(reads).hasValue(2);
  }
}
