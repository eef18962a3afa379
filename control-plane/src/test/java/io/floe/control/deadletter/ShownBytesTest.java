package io.floe.control.deadletter;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ShownBytesTest {
  @Test
  void utf8IsShownAsTextAndCutAtTheLimitOnACodePoint() {
    assertThat(ShownBytes.of(null)).isNull();
    assertThat(ShownBytes.of("{\"a\": \"ü\"}".getBytes(UTF_8)))
        .isEqualTo(new ShownBytes("{\"a\": \"ü\"}", "utf-8", 11, false));
    String long_ = "😀".repeat(ShownBytes.MAX_CHARS + 10);
    ShownBytes cut = ShownBytes.of(long_.getBytes(UTF_8));
    assertThat(cut.truncated()).isTrue();
    assertThat(cut.bytes()).isEqualTo(4 * (ShownBytes.MAX_CHARS + 10));
    assertThat(cut.text()).isEqualTo("😀".repeat(ShownBytes.MAX_CHARS));
  }

  @Test
  void otherBytesAreShownAsHexCutAtTheLimit() {
    assertThat(ShownBytes.of(new byte[] {'a', (byte) 0xC3, (byte) 0x28}))
        .isEqualTo(new ShownBytes("61c328", "hex", 3, false));
    byte[] binary = new byte[ShownBytes.MAX_HEX_BYTES + 1];
    binary[0] = (byte) 0xFF;
    ShownBytes cut = ShownBytes.of(binary);
    assertThat(cut.truncated()).isTrue();
    assertThat(cut.text()).hasSize(2 * ShownBytes.MAX_HEX_BYTES).startsWith("ff00");
  }
}
