package io.floe.loader.parse;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Strict UTF-8 validation (no overlongs, no surrogates, nothing above U+10FFFF), since the JSON
 * parser only decodes the strings it reads and would let invalid bytes in skipped fields through.
 */
final class Utf8 {
  /** Eight bytes of the array as one long, to skip ASCII a word at a time. */
  private static final VarHandle WORDS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** The high bit of each of eight bytes: set only in the bytes of multibyte sequences. */
  private static final long NOT_ASCII = 0x8080808080808080L;

  private Utf8() {}

  /** The index of the first byte that breaks UTF-8, or -1 when all bytes are valid. */
  static int firstInvalidByte(byte[] bytes) {
    int i = 0;
    int n = bytes.length;
    while (i < n) {
      if (n - i >= Long.BYTES && ((long) WORDS.get(bytes, i) & NOT_ASCII) == 0) {
        i += Long.BYTES;
        continue;
      }
      int b = bytes[i];
      if (b >= 0) {
        i++;
        continue;
      }
      int start = i;
      b &= 0xFF;
      if (b >= 0xC2 && b <= 0xDF) {
        if (!continuation(bytes, i + 1)) {
          return start;
        }
        i += 2;
      } else if (b >= 0xE0 && b <= 0xEF) {
        if (i + 2 >= n || !continuation(bytes, i + 1) || !continuation(bytes, i + 2)) {
          return start;
        }
        int b1 = bytes[i + 1] & 0xFF;
        if ((b == 0xE0 && b1 < 0xA0) || (b == 0xED && b1 > 0x9F)) {
          return start;
        }
        i += 3;
      } else if (b >= 0xF0 && b <= 0xF4) {
        if (i + 3 >= n
            || !continuation(bytes, i + 1)
            || !continuation(bytes, i + 2)
            || !continuation(bytes, i + 3)) {
          return start;
        }
        int b1 = bytes[i + 1] & 0xFF;
        if ((b == 0xF0 && b1 < 0x90) || (b == 0xF4 && b1 > 0x8F)) {
          return start;
        }
        i += 4;
      } else {
        return start;
      }
    }
    return -1;
  }

  private static boolean continuation(byte[] bytes, int index) {
    return index < bytes.length && (bytes[index] & 0xC0) == 0x80;
  }
}
