package io.floe.control.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads a tar stream entry by entry (ustar names and PAX paths), so that tests can open the image
 * tar and its layers without a container tool.
 */
final class TarEntries {
  private static final int BLOCK = 512;

  /** One entry: its path (absolute, without a trailing slash), mode, type and content. */
  interface Visitor {
    void visit(String path, int mode, char type, InputStream content) throws IOException;
  }

  private TarEntries() {}

  static void read(InputStream in, Visitor visitor) throws IOException {
    byte[] header = new byte[BLOCK];
    String paxPath = null;
    while (in.readNBytes(header, 0, BLOCK) == BLOCK && header[0] != 0) {
      String name = text(header, 0, 100);
      String prefix = text(header, 257, 6).startsWith("ustar") ? text(header, 345, 155) : "";
      int mode = (int) octal(header, 100, 8);
      long size = octal(header, 124, 12);
      char type = (char) header[156];
      Bounded content = new Bounded(in, size);
      if (type == 'x') {
        paxPath = paxPath(content.readAllBytes());
      } else if (type != 'g') {
        String path = paxPath != null ? paxPath : prefix.isEmpty() ? name : prefix + "/" + name;
        visitor.visit(normalize(path), mode, type, content);
        paxPath = null;
      }
      content.skipNBytes(content.remaining);
      in.skipNBytes((BLOCK - size % BLOCK) % BLOCK);
    }
  }

  private static String normalize(String path) {
    String trimmed = path.replaceFirst("^\\./", "").replaceFirst("^/", "").replaceFirst("/$", "");
    return "/" + trimmed;
  }

  /** The {@code path} record of a PAX extended header ("<length> path=<value>\n" records). */
  private static String paxPath(byte[] records) {
    String path = null;
    for (String record : new String(records, StandardCharsets.UTF_8).split("\n")) {
      int space = record.indexOf(' ');
      if (space > 0 && record.startsWith("path=", space + 1)) {
        path = record.substring(space + 1 + "path=".length());
      }
    }
    return path;
  }

  private static String text(byte[] header, int offset, int length) {
    int end = offset;
    while (end < offset + length && header[end] != 0) {
      end++;
    }
    return new String(header, offset, end - offset, StandardCharsets.UTF_8);
  }

  private static long octal(byte[] header, int offset, int length) {
    String digits = text(header, offset, length).trim();
    return digits.isEmpty() ? 0 : Long.parseLong(digits, 8);
  }

  /** The content of one entry: reads stop at its end. */
  private static final class Bounded extends InputStream {
    private final InputStream in;
    private long remaining;

    Bounded(InputStream in, long size) {
      this.in = in;
      this.remaining = size;
    }

    @Override
    public int read() throws IOException {
      if (remaining == 0) {
        return -1;
      }
      int b = in.read();
      if (b >= 0) {
        remaining--;
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (remaining == 0) {
        return -1;
      }
      int n = in.read(buffer, offset, (int) Math.min(length, remaining));
      if (n > 0) {
        remaining -= n;
      }
      return n;
    }

    @Override
    public void close() {}
  }
}
