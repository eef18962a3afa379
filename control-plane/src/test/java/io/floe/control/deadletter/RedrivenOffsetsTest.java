package io.floe.control.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class RedrivenOffsetsTest {
  @Test
  void offsetsMergeIntoRangesAndReadBackAsWritten() {
    RedrivenOffsets offsets = RedrivenOffsets.none();
    for (long offset : new long[] {5, 3, 4, 9, 7, 8, 0}) {
      offsets.add(0, offset);
    }
    offsets.add(2, 41);
    assertThat(offsets).hasToString("0:0,3-5,7-9;2:41");
    offsets.add(0, 6);
    offsets.add(0, 1);
    assertThat(offsets).hasToString("0:0-1,3-9;2:41");

    RedrivenOffsets read = RedrivenOffsets.parse(Optional.of(offsets.toString()));
    assertThat(read).hasToString(offsets.toString());
    assertThat(read.contains(0, 2)).isFalse();
    assertThat(read.contains(0, 3)).isTrue();
    assertThat(read.contains(0, 9)).isTrue();
    assertThat(read.contains(0, 10)).isFalse();
    assertThat(read.contains(1, 0)).isFalse();
    assertThat(read.contains(2, 41)).isTrue();
  }

  @Test
  void aCopyChangesApartFromItsOriginal() {
    RedrivenOffsets original = RedrivenOffsets.parse(Optional.of("0:1-2"));
    RedrivenOffsets copy = original.copy();
    copy.add(0, 3);
    assertThat(original).hasToString("0:1-2");
    assertThat(copy).hasToString("0:1-3");
  }

  @Test
  void nothingRecordedIsEmptyAndAValueThatIsNotOursIsRefused() {
    assertThat(RedrivenOffsets.parse(Optional.empty()).isEmpty()).isTrue();
    assertThat(RedrivenOffsets.parse(Optional.of(" ")).isEmpty()).isTrue();
    assertThatThrownBy(() -> RedrivenOffsets.parse(Optional.of("zero:1")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RedrivenOffsets.parse(Optional.of("0:9-3")))
        .hasMessageContaining("not a range");
    assertThatThrownBy(() -> RedrivenOffsets.parse(Optional.of("17")))
        .hasMessageContaining("no partition");
  }
}
