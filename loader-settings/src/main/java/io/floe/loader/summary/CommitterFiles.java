package io.floe.loader.summary;

import static java.util.Objects.requireNonNull;

import java.util.OptionalInt;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The names of the files the loader's committer keeps in a table's metadata folder until it is done
 * with them: a checkpoint's pending manifests, which list its data files (referenced by no snapshot
 * until the commit), and its dead letters. Flink's checkpoints and savepoints hold only their
 * locations, so a restore needs them and the data files they list: orphan cleanup in the control
 * plane recognises them by these names.
 */
public final class CommitterFiles {
  /** Every file the loader keeps beside a table's metadata starts with this; Iceberg's never do. */
  public static final String PREFIX = "floe-";

  public static final String PENDING_MANIFEST_PREFIX = PREFIX + "pending-";
  public static final String DEAD_LETTER_FILE_PREFIX = PREFIX + "dead-letters-";

  private static final String HEX_32 = "[0-9a-f]{32}";
  private static final String UUID_TEXT =
      "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

  /** {@code floe-pending-<committer id>-<checkpoint>-<spec id>-<uuid>.avro} */
  private static final Pattern PENDING_MANIFEST =
      Pattern.compile(
          Pattern.quote(PENDING_MANIFEST_PREFIX)
              + HEX_32
              + "-\\d+-(\\d+)-"
              + UUID_TEXT
              + "\\.avro");

  /**
   * {@code floe-<job id>-<operator id>-<checkpoint>-<spec id>-<uuid>.avro}: loaders before the
   * committer identity named pending manifests by Flink's job and operator ids.
   */
  private static final Pattern LEGACY_PENDING_MANIFEST =
      Pattern.compile(
          Pattern.quote(PREFIX) + HEX_32 + "-" + HEX_32 + "-\\d+-(\\d+)-" + UUID_TEXT + "\\.avro");

  private CommitterFiles() {}

  /** The name of a temporary manifest of one checkpoint's data files of one partition spec. */
  public static String pendingManifestName(
      String committerId, long checkpointId, int specId, UUID uuid) {
    return String.format(
        "%s%s-%d-%d-%s.avro",
        PENDING_MANIFEST_PREFIX,
        requireNonNull(committerId, "committerId is null"),
        checkpointId,
        specId,
        requireNonNull(uuid, "uuid is null"));
  }

  /** The name of the file that holds one checkpoint's dead letters until they are published. */
  public static String deadLetterFileName(String committerId, long checkpointId, UUID uuid) {
    return String.format(
        "%s%s-%d-%s.bin",
        DEAD_LETTER_FILE_PREFIX,
        requireNonNull(committerId, "committerId is null"),
        checkpointId,
        requireNonNull(uuid, "uuid is null"));
  }

  /** Whether a file of the table's metadata folder, by its name, is one the loader keeps there. */
  public static boolean isCommitterFile(String fileName) {
    return fileName.startsWith(PREFIX);
  }

  /**
   * The partition spec id of a pending manifest, named by this loader or an older one; empty when
   * the name is not a pending manifest's.
   */
  public static OptionalInt pendingManifestSpecId(String fileName) {
    for (Pattern pattern : new Pattern[] {PENDING_MANIFEST, LEGACY_PENDING_MANIFEST}) {
      Matcher matcher = pattern.matcher(fileName);
      if (matcher.matches()) {
        return OptionalInt.of(Integer.parseInt(matcher.group(1)));
      }
    }
    return OptionalInt.empty();
  }

  public static boolean isDeadLetterFile(String fileName) {
    return fileName.startsWith(DEAD_LETTER_FILE_PREFIX);
  }
}
