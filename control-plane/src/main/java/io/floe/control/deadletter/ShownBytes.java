package io.floe.control.deadletter;

import io.swagger.v3.oas.annotations.media.Schema;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Bytes of a dead letter as the API shows them: UTF-8 text when they are that, else hex, cut at a
 * limit either way, so a huge or binary message cannot swamp a response.
 *
 * @param text the text, or the bytes in hex
 * @param encoding utf-8 or hex
 * @param bytes how many bytes there are in all
 * @param truncated whether text shows only the first of them
 */
public record ShownBytes(
    String text,
    @Schema(allowableValues = {"utf-8", "hex"}) String encoding,
    int bytes,
    boolean truncated) {
  static final int MAX_CHARS = 1_024;
  static final int MAX_HEX_BYTES = 256;

  /** Null for null. */
  static ShownBytes of(byte[] value) {
    if (value == null) {
      return null;
    }
    try {
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(value))
              .toString();
      if (text.codePointCount(0, text.length()) <= MAX_CHARS) {
        return new ShownBytes(text, "utf-8", value.length, false);
      }
      return new ShownBytes(
          text.substring(0, text.offsetByCodePoints(0, MAX_CHARS)), "utf-8", value.length, true);
    } catch (CharacterCodingException e) {
      int shown = Math.min(value.length, MAX_HEX_BYTES);
      return new ShownBytes(
          HexFormat.of().formatHex(value, 0, shown), "hex", value.length, shown < value.length);
    }
  }
}
