package dev.postamt.events;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads the Message-ID header field (RFC 5322 §3.6.4) from the start of a message, for the trail key.
 * Reads the header section only, line by line up to the empty line that ends it (RFC 5322 §2.1) and at
 * most {@link #LIMIT} bytes, and unfolds the field's continuation lines (§2.2.3); a message without one
 * gives null. It runs once per received message, so it reads no further than it must and keeps no copy
 * of the header section.
 */
public final class MessageIds {
  static final int LIMIT = 64 * 1024;
  private static final byte[] NAME = "message-id:".getBytes(StandardCharsets.US_ASCII);

  private MessageIds() {}

  /** The Message-ID of the message {@code in} starts with, without angle brackets; null when none. */
  public static String find(InputStream in) {
    try (in) {
      Bytes bytes = new Bytes(in);
      byte[] line = new byte[256];
      StringBuilder field = null; // the Message-ID field once found, its continuation lines appended
      int read = 0;
      while (read < LIMIT) {
        int len = 0;
        int b;
        while ((b = bytes.next()) >= 0 && b != '\n' && ++read <= LIMIT) {
          if (len == line.length) {
            line = java.util.Arrays.copyOf(line, len * 2);
          }
          line[len++] = (byte) b;
        }
        read++;
        int end = len > 0 && line[len - 1] == '\r' ? len - 1 : len;
        boolean lastLine = b < 0 || read > LIMIT;
        if (end == 0 && !lastLine) {
          break; // the empty line: the end of the header section
        }
        boolean continuation = end > 0 && (line[0] == ' ' || line[0] == '\t');
        if (field != null) {
          if (!continuation) {
            break;
          }
          int i = 0;
          while (i < end && (line[i] == ' ' || line[i] == '\t')) {
            i++;
          }
          field.append(' ').append(new String(line, i, end - i, StandardCharsets.ISO_8859_1));
        } else if (startsWithName(line, end)) {
          field = new StringBuilder(new String(line, NAME.length, end - NAME.length, StandardCharsets.ISO_8859_1));
        }
        if (lastLine) {
          break;
        }
      }
      return field == null ? null : idOf(field.toString());
    } catch (IOException | RuntimeException e) {
      return null; // the trail goes without; the mail goes on
    }
  }

  /**
   * The stream's bytes one at a time, read a block at a time: {@code ByteArrayInputStream.read()} (a small
   * message's spool copy) takes its monitor for every byte.
   */
  private static final class Bytes {
    private final InputStream in;
    private final byte[] block = new byte[1024];
    private int pos;
    private int end;

    Bytes(InputStream in) {
      this.in = in;
    }

    int next() throws IOException {
      if (pos == end) {
        int n = in.read(block);
        if (n <= 0) {
          return -1;
        }
        pos = 0;
        end = n;
      }
      return block[pos++] & 0xff;
    }
  }

  private static boolean startsWithName(byte[] line, int len) {
    if (len < NAME.length) {
      return false;
    }
    for (int i = 0; i < NAME.length; i++) {
      int c = line[i];
      if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != NAME[i]) {
        return false;
      }
    }
    return true;
  }

  /** The id between the first {@code <} and the next {@code >}, else the whole (stripped) value. */
  static String idOf(String value) {
    String v = value.strip();
    int lt = v.indexOf('<');
    int gt = v.indexOf('>', lt + 1);
    String id = lt >= 0 && gt > lt ? v.substring(lt + 1, gt) : v;
    return TrailKey.normalizeMessageId(id);
  }
}
