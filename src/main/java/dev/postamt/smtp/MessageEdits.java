package dev.postamt.smtp;

import java.util.ArrayList;
import java.util.List;

/**
 * Changes END_OF_DATA checks ask for: header fields to add in front of the message (the
 * Authentication-Results, ARC and DKIM-Signature fields) and header fields of the message to drop
 * (forged Authentication-Results). Applied once, after every check has run, before the commit; the
 * message file itself is only rewritten when a field is dropped.
 */
final class MessageEdits {
  private final StringBuilder headers = new StringBuilder();
  private final List<Integer> dropFields = new ArrayList<>();
  private Diversion diversion;

  /**
   * Takes an accepted message instead of the queue (quarantine, discard): it gets the message as it
   * would have been queued (our header fields, then the message) and must have it on stable storage, if
   * it keeps it, before it returns; the client then gets 250 with the returned text.
   */
  @FunctionalInterface
  interface Diversion {
    String take(dev.postamt.queue.Envelope envelope, java.io.InputStream message) throws java.io.IOException;
  }

  /** @param fields header fields, each CRLF-terminated, added in front of those added so far */
  void prepend(String fields) {
    headers.insert(0, fields);
  }

  /** @param positions 0-based positions of header fields of the received message */
  void drop(List<Integer> positions) {
    dropFields.addAll(positions);
  }

  /** The message is accepted but not queued: {@code d} takes it. */
  void divert(Diversion d) {
    diversion = d;
  }

  Diversion diversion() {
    return diversion;
  }

  String headers() {
    return headers.toString();
  }

  /**
   * The value of the first field named {@code name} among those prepended so far (unfolded, as a
   * later check reads our own Authentication-Results), or null.
   */
  String prepended(String name) {
    for (dev.postamt.mime.HeaderSection.Field f
        : dev.postamt.mime.HeaderSection.parse(headers.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)).fields()) {
      if (f.is(name)) {
        return unfold(f.value()).strip();
      }
    }
    return null;
  }

  /** Each CRLF with the blank after it as one space: {@code replaceAll("\\r\\n[ \\t]", " ")} without a regex. */
  static String unfold(String v) {
    if (v.indexOf('\r') < 0) {
      return v;
    }
    StringBuilder b = new StringBuilder(v.length());
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == '\r' && i + 2 < v.length() && v.charAt(i + 1) == '\n' && (v.charAt(i + 2) == ' ' || v.charAt(i + 2) == '\t')) {
        b.append(' ');
        i += 2;
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  List<Integer> dropFields() {
    return List.copyOf(dropFields);
  }
}
