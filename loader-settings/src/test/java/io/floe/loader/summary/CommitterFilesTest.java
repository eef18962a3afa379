package io.floe.loader.summary;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalInt;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CommitterFilesTest {
  private static final String COMMITTER = "0123456789abcdef0123456789abcdef";
  private static final UUID ID = UUID.fromString("6f1c2e8a-3b4d-4c5e-8f90-a1b2c3d4e5f6");

  @Test
  void pendingManifestsAreRecognisedWithTheirSpecId() {
    String name = CommitterFiles.pendingManifestName(COMMITTER, 42, 3, ID);

    assertThat(name)
        .isEqualTo("floe-pending-" + COMMITTER + "-42-3-6f1c2e8a-3b4d-4c5e-8f90-a1b2c3d4e5f6.avro");
    assertThat(CommitterFiles.pendingManifestSpecId(name)).isEqualTo(OptionalInt.of(3));
    assertThat(CommitterFiles.isCommitterFile(name)).isTrue();
    assertThat(CommitterFiles.isDeadLetterFile(name)).isFalse();
    // The last checkpoint of a bounded input is Long.MAX_VALUE.
    assertThat(
            CommitterFiles.pendingManifestSpecId(
                CommitterFiles.pendingManifestName(COMMITTER, Long.MAX_VALUE, 0, ID)))
        .isEqualTo(OptionalInt.of(0));
  }

  @Test
  void pendingManifestsOfOlderLoadersAreRecognisedToo() {
    String jobId = "fedcba9876543210fedcba9876543210";
    String operatorId = "00112233445566778899aabbccddeeff";

    assertThat(
            CommitterFiles.pendingManifestSpecId(
                "floe-" + jobId + "-" + operatorId + "-7-1-" + ID + ".avro"))
        .isEqualTo(OptionalInt.of(1));
  }

  @Test
  void deadLetterFilesAreCommitterFilesButNotManifests() {
    String name = CommitterFiles.deadLetterFileName(COMMITTER, 42, ID);

    assertThat(name).isEqualTo("floe-dead-letters-" + COMMITTER + "-42-" + ID + ".bin");
    assertThat(CommitterFiles.isDeadLetterFile(name)).isTrue();
    assertThat(CommitterFiles.isCommitterFile(name)).isTrue();
    assertThat(CommitterFiles.pendingManifestSpecId(name)).isEmpty();
  }

  @Test
  void icebergsOwnMetadataFilesAreNeither() {
    for (String name :
        new String[] {
          "v3.metadata.json",
          "00003-" + ID + ".metadata.json",
          "snap-5180309342712384417-1-" + ID + ".avro",
          ID + "-m0.avro",
          "version-hint.text",
          "floe-pending-not-a-manifest.avro"
        }) {
      assertThat(CommitterFiles.pendingManifestSpecId(name)).as(name).isEmpty();
      assertThat(CommitterFiles.isDeadLetterFile(name)).as(name).isFalse();
    }
    assertThat(CommitterFiles.isCommitterFile("v3.metadata.json")).isFalse();
    assertThat(CommitterFiles.isCommitterFile(ID + "-m0.avro")).isFalse();
  }
}
