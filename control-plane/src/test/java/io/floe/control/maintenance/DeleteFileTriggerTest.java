package io.floe.control.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DeleteFileTriggerTest {
  private final MutableClock clock = new MutableClock();
  private final AtomicLong deleteFiles = new AtomicLong();
  private final AtomicInteger reads = new AtomicInteger();
  private final DeleteFileTrigger trigger = new DeleteFileTrigger(clock, Duration.ofMinutes(1));

  @Test
  void firesFromTheThresholdReadingTheTableAtMostOncePerCheckInterval() {
    deleteFiles.set(49);
    assertThat(due()).isFalse();
    deleteFiles.set(50);
    clock.advance(Duration.ofSeconds(59));
    assertThat(due()).isFalse();
    assertThat(reads).hasValue(1);
    clock.advance(Duration.ofSeconds(1));
    assertThat(due()).isTrue();
    assertThat(due()).isTrue();
    assertThat(reads).hasValue(2);
  }

  @Test
  void readsAfreshAfterACompaction() {
    deleteFiles.set(80);
    assertThat(due()).isTrue();
    deleteFiles.set(2);
    trigger.compacted("table");
    assertThat(due()).isFalse();
    assertThat(reads).hasValue(2);
  }

  private boolean due() {
    return trigger.due(
        "table",
        50,
        () -> {
          reads.incrementAndGet();
          return deleteFiles.get();
        });
  }

  /** A clock the test moves. */
  private static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2026-12-05T12:00:00Z");

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public ZoneId getZone() {
      return ZoneId.of("UTC");
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
