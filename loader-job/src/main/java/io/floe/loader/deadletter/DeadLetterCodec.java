package io.floe.loader.deadletter;

import io.floe.loader.source.KafkaMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Dead letters as bytes: how the writers hand them to the committer and how the committer keeps a
 * commit's dead letters in a file until they are published. Every field of the original record
 * survives (key, value, headers, source position, timestamp), nulls included.
 */
public final class DeadLetterCodec {
  private static final int MAGIC = 0x46444c31; // "FDL1"

  private DeadLetterCodec() {}

  public static byte[] encode(List<DeadLetter> letters) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      write(letters, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  public static List<DeadLetter> decode(byte[] encoded) {
    try {
      return read(new ByteArrayInputStream(encoded));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void write(List<DeadLetter> letters, OutputStream stream) throws IOException {
    DataOutputStream out = new DataOutputStream(stream);
    out.writeInt(MAGIC);
    out.writeInt(letters.size());
    for (DeadLetter letter : letters) {
      KafkaMessage message = letter.message();
      writeText(out, message.topic());
      out.writeInt(message.partition());
      out.writeLong(message.offset());
      out.writeLong(message.timestamp());
      writeBytes(out, message.key());
      writeBytes(out, message.value());
      out.writeInt(message.headers().size());
      for (KafkaMessage.Header header : message.headers()) {
        writeText(out, header.key());
        writeBytes(out, header.value());
      }
      writeText(out, letter.reason());
      writeText(out, letter.errorMessage());
      writeText(out, letter.path());
    }
    out.flush();
  }

  public static List<DeadLetter> read(InputStream stream) throws IOException {
    DataInputStream in = new DataInputStream(stream);
    if (in.readInt() != MAGIC) {
      throw new IOException("Not a file of dead letters (unknown format)");
    }
    int count = in.readInt();
    List<DeadLetter> letters = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String topic = readText(in);
      int partition = in.readInt();
      long offset = in.readLong();
      long timestamp = in.readLong();
      byte[] key = readBytes(in);
      byte[] value = readBytes(in);
      int headerCount = in.readInt();
      List<KafkaMessage.Header> headers = new ArrayList<>(headerCount);
      for (int h = 0; h < headerCount; h++) {
        headers.add(new KafkaMessage.Header(readText(in), readBytes(in)));
      }
      KafkaMessage message =
          new KafkaMessage(topic, partition, offset, timestamp, key, value, headers);
      letters.add(new DeadLetter(message, readText(in), readText(in), readText(in)));
    }
    return letters;
  }

  private static void writeText(DataOutputStream out, String text) throws IOException {
    writeBytes(out, text.getBytes(StandardCharsets.UTF_8));
  }

  private static String readText(DataInputStream in) throws IOException {
    return new String(readBytes(in), StandardCharsets.UTF_8);
  }

  private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
    if (bytes == null) {
      out.writeInt(-1);
      return;
    }
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  private static byte[] readBytes(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0) {
      return null;
    }
    byte[] bytes = new byte[length];
    in.readFully(bytes);
    return bytes;
  }
}
