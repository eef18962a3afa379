package io.floe.loader.parse;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Strict UTF-8 validation, checked against the JDK's strict decoder. */
class Utf8Test {
  @Test
  void emptyAndAsciiAreValid() {
    assertThat(Utf8.firstInvalidByte(new byte[0])).isEqualTo(-1);
    assertThat(Utf8.firstInvalidByte("{\"a\": 1}".getBytes(UTF_8))).isEqualTo(-1);
    byte[] allAscii = new byte[128];
    for (int i = 0; i < 128; i++) {
      allAscii[i] = (byte) i;
    }
    assertThat(Utf8.firstInvalidByte(allAscii)).isEqualTo(-1);
  }

  @Test
  void everyEncodingLengthIsValidAtItsBoundaries() {
    for (int codePoint :
        new int[] {
          0x00, 0x7F, 0x80, 0x7FF, 0x800, 0xFFF, 0x1000, 0xD7FF, 0xE000, 0xFFFD, 0xFFFF, 0x10000,
          0x3FFFF, 0x40000, 0xFFFFF, 0x100000, 0x10FFFF
        }) {
      byte[] bytes = new String(Character.toChars(codePoint)).getBytes(UTF_8);
      assertThat(Utf8.firstInvalidByte(bytes)).as("U+%04X", codePoint).isEqualTo(-1);
      assertThat(Utf8.firstInvalidByte(concat(bytes("ab"), bytes, bytes("cd"))))
          .as("U+%04X inside text", codePoint)
          .isEqualTo(-1);
    }
  }

  @Test
  void everyValidCodePointIsValid() {
    StringBuilder text = new StringBuilder();
    for (int codePoint = 0; codePoint <= Character.MAX_CODE_POINT; codePoint++) {
      if (codePoint >= Character.MIN_SURROGATE && codePoint <= Character.MAX_SURROGATE) {
        continue;
      }
      text.appendCodePoint(codePoint);
    }
    assertThat(Utf8.firstInvalidByte(text.toString().getBytes(UTF_8))).isEqualTo(-1);
  }

  @Test
  void invalidSequencesAreFoundAtTheirFirstByte() {
    List<String> invalid =
        List.of(
            "80", // a lone continuation byte
            "bf",
            "c0af", // overlong '/'
            "c180", // overlong
            "e080af", // overlong
            "e09f80", // overlong (below U+0800)
            "f08080af", // overlong
            "f08f8080", // overlong (below U+10000)
            "eda080", // surrogate U+D800
            "edbfbf", // surrogate U+DFFF
            "eda0bdedb880", // a surrogate pair in CESU-8
            "f4908080", // above U+10FFFF
            "f5808080",
            "f8888080",
            "fc8480808080",
            "fe",
            "ff",
            "c3", // truncated at the end
            "e282",
            "f09f98",
            "c341", // a lead byte followed by ASCII
            "e28241",
            "f09f9841",
            "c3c3a9", // a lead byte followed by another lead byte
            "e2c3a9");
    for (String hex : invalid) {
      byte[] bad = HexFormat.of().parseHex(hex);
      assertThat(Utf8.firstInvalidByte(bad)).as(hex).isZero();
      byte[] prefix = bytes("{\"caf\u00e9\": \"\u20ac\ud83d\ude00");
      assertThat(Utf8.firstInvalidByte(concat(prefix, bad, bytes("\"}"))))
          .as("%s after valid multibyte text", hex)
          .isEqualTo(prefix.length);
      assertThat(isValidForTheJdk(bad)).as("the JDK agrees that %s is invalid", hex).isFalse();
    }
  }

  @Test
  void anInvalidByteIsFoundAtEveryOffsetOfLongerAsciiText() {
    // ASCII is skipped eight bytes at a time: the first bad byte may sit anywhere in a word.
    for (int length = 1; length <= 40; length++) {
      for (int at = 0; at < length; at++) {
        byte[] bytes = new byte[length];
        java.util.Arrays.fill(bytes, (byte) 'a');
        bytes[at] = (byte) 0x80;
        assertThat(Utf8.firstInvalidByte(bytes)).as("0x80 at %d of %d", at, length).isEqualTo(at);
        bytes[at] = (byte) 0xC3; // a lead byte followed by ASCII, or by nothing
        assertThat(Utf8.firstInvalidByte(bytes)).as("0xC3 at %d of %d", at, length).isEqualTo(at);
        if (at + 1 < length) {
          bytes[at + 1] = (byte) 0xA9; // now a valid 'é'
          assertThat(Utf8.firstInvalidByte(bytes)).as("é at %d of %d", at, length).isEqualTo(-1);
        }
      }
    }
  }

  @Test
  void agreesWithTheJdkDecoderOnLongerMostlyAsciiText() {
    Random random = new Random(11);
    for (int i = 0; i < 100_000; i++) {
      byte[] bytes = new byte[1 + random.nextInt(48)];
      for (int k = 0; k < bytes.length; k++) {
        bytes[k] =
            random.nextInt(16) == 0 ? (byte) random.nextInt(256) : (byte) random.nextInt(0x80);
      }
      assertAgreesWithTheJdk(bytes);
    }
  }

  @Test
  void agreesWithTheJdkDecoderOnRandomBytes() {
    Random random = new Random(42);
    for (int i = 0; i < 200_000; i++) {
      byte[] bytes = new byte[1 + random.nextInt(8)];
      random.nextBytes(bytes);
      assertAgreesWithTheJdk(bytes);
    }
  }

  @Test
  void agreesWithTheJdkDecoderOnMutatedValidText() {
    Random random = new Random(7);
    for (int i = 0; i < 100_000; i++) {
      StringBuilder text = new StringBuilder();
      int length = 1 + random.nextInt(6);
      for (int k = 0; k < length; k++) {
        int codePoint;
        do {
          codePoint =
              switch (random.nextInt(4)) {
                case 0 -> random.nextInt(0x80);
                case 1 -> 0x80 + random.nextInt(0x800 - 0x80);
                case 2 -> 0x800 + random.nextInt(0x10000 - 0x800);
                default -> 0x10000 + random.nextInt(0x110000 - 0x10000);
              };
        } while (codePoint >= Character.MIN_SURROGATE && codePoint <= Character.MAX_SURROGATE);
        text.appendCodePoint(codePoint);
      }
      byte[] bytes = text.toString().getBytes(UTF_8);
      assertThat(Utf8.firstInvalidByte(bytes)).isEqualTo(-1);
      int mutations = 1 + random.nextInt(2);
      for (int m = 0; m < mutations; m++) {
        int at = random.nextInt(bytes.length);
        bytes[at] =
            random.nextBoolean()
                ? (byte) random.nextInt(256)
                : (byte) (bytes[at] ^ (1 << random.nextInt(8)));
      }
      if (random.nextInt(4) == 0) {
        bytes = java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));
      }
      assertAgreesWithTheJdk(bytes);
    }
  }

  private static void assertAgreesWithTheJdk(byte[] bytes) {
    String hex = HexFormat.of().formatHex(bytes);
    int invalidAt = Utf8.firstInvalidByte(bytes);
    assertThat(invalidAt >= 0).as(hex).isEqualTo(!isValidForTheJdk(bytes));
    if (invalidAt >= 0) {
      assertThat(invalidAt).as(hex).isLessThan(bytes.length);
      assertThat(isValidForTheJdk(java.util.Arrays.copyOf(bytes, invalidAt)))
          .as("%s is valid before byte %d", hex, invalidAt)
          .isTrue();
    }
  }

  private static boolean isValidForTheJdk(byte[] bytes) {
    try {
      UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(UTF_8);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
