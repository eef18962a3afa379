package io.floe.testing.kafka;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes test events ({@link KafkaTestClient#event}) in the background at a steady rate, so a
 * test can check a loader while data flows; {@link #stop()} returns the last id it published.
 */
public final class EventPublisher {
  private final AtomicLong last;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;

  EventPublisher(
      KafkaTestClient client, String topic, long fromId, int perSecond, int malformedEvery) {
    this.last = new AtomicLong(fromId - 1);
    this.thread =
        new Thread(
            () -> {
              long id = fromId;
              int batch = Math.max(1, perSecond / 10);
              while (running.get()) {
                long to = id + batch - 1;
                for (long n = id; malformedEvery > 0 && n <= to; n++) {
                  if ((n - fromId + 1) % (malformedEvery - 1) == 0) {
                    client.sendRaw(
                        topic, ("{\"malformed\": " + n).getBytes(StandardCharsets.UTF_8));
                  }
                }
                client.sendEvents(topic, id, to);
                last.set(to);
                id = to + 1;
                try {
                  Thread.sleep(100);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "test-publisher");
    thread.start();
  }

  /** The last id published so far. */
  public long published() {
    return last.get();
  }

  public long stop() throws InterruptedException {
    running.set(false);
    thread.join();
    return last.get();
  }
}
