package io.floe.control.deadletter;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a redrive found so far: how many dead letters it examined, loaded (or, in a dry run, would
 * load), found loaded already, and found still failing, per original error class, with samples of
 * those that still fail and why. Kept in the operation's progress, so it survives a restart.
 *
 * @param examined dead letters of the pipeline in the range
 * @param loaded loaded into the table by this redrive (in a dry run: would load)
 * @param alreadyLoaded loaded before, by an earlier redrive or an earlier batch of this one
 * @param stillFailing refused again by the pipeline's parser and rules; left in the topic
 * @param byErrorClass the same counts per original error class
 * @param samples some that still fail (up to 5 per original error class), with the new reason
 */
public record RedriveReport(
    long examined,
    long loaded,
    long alreadyLoaded,
    long stillFailing,
    Map<String, ClassCounts> byErrorClass,
    List<StillFailing> samples) {
  static final int SAMPLES_PER_CLASS = 5;

  public RedriveReport {
    byErrorClass = Map.copyOf(byErrorClass);
    samples = List.copyOf(samples);
  }

  static RedriveReport empty() {
    return new RedriveReport(0, 0, 0, 0, Map.of(), List.of());
  }

  /**
   * The counts of one original error class.
   *
   * @param examined its dead letters in the range
   * @param loaded loaded by this redrive (in a dry run: would load)
   * @param alreadyLoaded loaded before
   * @param stillFailing refused again
   * @param stillFailingAs of those still failing, how many for each reason now
   */
  public record ClassCounts(
      long examined,
      long loaded,
      long alreadyLoaded,
      long stillFailing,
      Map<String, Long> stillFailingAs) {
    public ClassCounts {
      stillFailingAs = Map.copyOf(stillFailingAs);
    }
  }

  /**
   * A dead letter that still fails, where it is, and why now.
   *
   * @param sourceTopic the topic the original message came from
   * @param sourcePartition its partition there
   * @param sourceOffset its offset there
   * @param message what is wrong now, in words
   */
  public record StillFailing(
      @Schema(description = "Its partition in the dead-letter topic") int partition,
      @Schema(description = "Its offset in the dead-letter topic") long offset,
      String sourceTopic,
      int sourcePartition,
      long sourceOffset,
      @Schema(description = "Why it was dead-lettered") String errorClass,
      @Schema(description = "Why it fails now") String nowErrorClass,
      @Schema(description = "The failing column or JSON path now; empty for the whole message")
          String path,
      String message) {}

  /** Adds to a report one dead letter's outcome at a time. */
  static final class Tally {
    private long examined;
    private long loaded;
    private long alreadyLoaded;
    private long stillFailing;
    private final Map<String, long[]> counts = new TreeMap<>();
    private final Map<String, Map<String, Long>> failingAs = new TreeMap<>();
    private final List<StillFailing> samples;

    Tally(RedriveReport report) {
      examined = report.examined();
      loaded = report.loaded();
      alreadyLoaded = report.alreadyLoaded();
      stillFailing = report.stillFailing();
      report
          .byErrorClass()
          .forEach(
              (errorClass, c) -> {
                counts.put(
                    errorClass,
                    new long[] {c.examined(), c.loaded(), c.alreadyLoaded(), c.stillFailing()});
                failingAs.put(errorClass, new TreeMap<>(c.stillFailingAs()));
              });
      samples = new ArrayList<>(report.samples());
    }

    void loaded(StoredDeadLetter letter) {
      examined++;
      loaded++;
      count(letter, 1);
    }

    void alreadyLoaded(StoredDeadLetter letter) {
      examined++;
      alreadyLoaded++;
      count(letter, 2);
    }

    void stillFailing(StoredDeadLetter letter, String nowErrorClass, String path, String message) {
      examined++;
      stillFailing++;
      count(letter, 3);
      failingAs
          .computeIfAbsent(letter.errorClass(), c -> new TreeMap<>())
          .merge(nowErrorClass, 1L, Long::sum);
      long sampled =
          samples.stream().filter(s -> s.errorClass().equals(letter.errorClass())).count();
      if (sampled < SAMPLES_PER_CLASS) {
        samples.add(
            new StillFailing(
                letter.partition(),
                letter.offset(),
                letter.message().topic(),
                letter.message().partition(),
                letter.message().offset(),
                letter.errorClass(),
                nowErrorClass,
                path,
                message));
      }
    }

    private void count(StoredDeadLetter letter, int outcome) {
      long[] c = counts.computeIfAbsent(letter.errorClass(), k -> new long[4]);
      c[0]++;
      c[outcome]++;
    }

    RedriveReport report() {
      Map<String, ClassCounts> byClass = new TreeMap<>();
      counts.forEach(
          (errorClass, c) ->
              byClass.put(
                  errorClass,
                  new ClassCounts(
                      c[0], c[1], c[2], c[3], failingAs.getOrDefault(errorClass, Map.of()))));
      return new RedriveReport(examined, loaded, alreadyLoaded, stillFailing, byClass, samples);
    }
  }
}
