package io.floe.loader.sample;

/**
 * Which ids a publisher replaces by malformed messages: a share of the ids, spread evenly and
 * deterministically, so a test knows how many bad messages to expect and which ones.
 */
public final class MalformedShare {
  private static final long MILLION = 1_000_000L;

  /** No malformed messages. */
  public static final MalformedShare NONE = new MalformedShare(0.0);

  private final double share;
  private final long perMillion;

  /** A share from 0 (none) to 1 (all), in steps of one per million. */
  public MalformedShare(double share) {
    if (Double.isNaN(share) || share < 0.0 || share > 1.0) {
      throw new IllegalArgumentException("malformed share must be between 0 and 1, got " + share);
    }
    this.share = share;
    this.perMillion = Math.round(share * MILLION);
    if (share > 0.0 && perMillion == 0) {
      throw new IllegalArgumentException(
          "malformed share must be 0 or at least 0.000001, got " + share);
    }
  }

  public double share() {
    return share;
  }

  /**
   * Whether the message with this id is malformed: the id where {@code floor(id * share)} steps up.
   * Among any million consecutive ids exactly {@code share * 1,000,000} are malformed, evenly
   * spread: with 0.05, every 20th id (20, 40, 60, ...).
   */
  public boolean isMalformed(long id) {
    long inMillion = Math.floorMod(id - 1, MILLION) + 1; // 1..1,000,000
    return inMillion * perMillion / MILLION != (inMillion - 1) * perMillion / MILLION;
  }

  /**
   * The kind of malformed message for this id, cycling through all {@link
   * SampleMessages#MALFORMED_KINDS} over consecutive malformed ids: {@code floor(id * share) mod
   * MALFORMED_KINDS}, the running number of the malformed id.
   */
  public int kindOf(long id) {
    int kinds = SampleMessages.MALFORMED_KINDS;
    long millions = Math.floorDiv(id, MILLION);
    long rest = Math.floorMod(id, MILLION);
    // floor(id * perMillion / MILLION) = millions * perMillion + floor(rest * perMillion /
    // MILLION),
    // taken modulo kinds part by part so that no product overflows.
    long kind =
        Math.floorMod(millions, kinds) * (perMillion % kinds) + rest * perMillion / MILLION % kinds;
    return (int) (kind % kinds);
  }

  @Override
  public String toString() {
    return Double.toString(share);
  }
}
