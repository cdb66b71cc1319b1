package dev.postamt.events;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads the Message-ID header field (RFC 5322 §3.6.4) from the start of a message, for the trail key.
 * Reads the header section only, at most {@link #LIMIT} bytes, and unfolds continuation lines; a
 * message without one gives null.
 */
public final class MessageIds {
  static final int LIMIT = 64 * 1024;

  private MessageIds() {}

  /** The Message-ID of the message {@code in} starts with, without angle brackets; null when none. */
  public static String find(InputStream in) {
    try (in) {
      byte[] head = in.readNBytes(LIMIT);
      String text = new String(head, StandardCharsets.ISO_8859_1);
      int end = text.indexOf("\r\n\r\n");
      if (end < 0) {
        end = text.indexOf("\n\n");
      }
      String headers = (end < 0 ? text : text.substring(0, end)).replaceAll("\r?\n[ \t]+", " ");
      for (String line : headers.split("\r?\n")) {
        if (line.regionMatches(true, 0, "Message-ID:", 0, 11)) {
          String v = line.substring(11).strip();
          int lt = v.indexOf('<');
          int gt = v.indexOf('>', lt + 1);
          String id = lt >= 0 && gt > lt ? v.substring(lt + 1, gt) : v;
          return TrailKey.normalizeMessageId(id);
        }
      }
      return null;
    } catch (IOException | RuntimeException e) {
      return null; // the trail goes without; the mail goes on
    }
  }
}
