package dev.postamt.transfer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an mbox file message by message, streaming (each message goes into a {@link MessageBuffer}).
 *
 * <p>The format is mboxrd (see {@code mbox(5)} and RFC 4155): a message begins with a "From_" line
 * ({@code From sender asctime-date}) at the start of the file or after an empty line, and ends with
 * the empty line before the next one; a line of the message that begins with {@code From } after any
 * number of {@code >} was written with one more {@code >}, which reading removes. Line ends become
 * CRLF. The From_ line's date is the INTERNALDATE (UTC unless it names a zone).
 *
 * <p>Flags are read, and removed from the header, as mutt and Dovecot write them: {@code Status:}
 * ({@code R} = {@code \Seen}; {@code O}, "old", means nothing to IMAP), {@code X-Status:} ({@code A}
 * answered, {@code F} flagged, {@code T} draft, {@code D} deleted) and {@code X-Keywords:} (keywords
 * separated by spaces or commas). Dovecot's own bookkeeping headers ({@code X-UID}, {@code X-IMAP},
 * {@code X-IMAPbase}, {@code Content-Length}) are dropped too.
 */
final class MboxReader implements AutoCloseable {
  /** One message: its content (CRLF), flags and INTERNALDATE in epoch milliseconds. */
  record Message(MessageBuffer content, Set<String> flags, long internalDate) {}

  private static final Set<String> DROPPED = Set.of("status", "x-status", "x-keywords", "x-uid", "x-imap",
      "x-imapbase", "content-length");
  private static final Pattern ASCTIME = Pattern.compile(
      "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),?\\s+(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\\s+(\\d{1,2})\\s+"
          + "(\\d{1,2}):(\\d{2})(?::(\\d{2}))?\\s+(?:([+-]\\d{4})\\s+)?(\\d{4})(?:\\s+([+-]\\d{4}))?");
  private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("MMM", Locale.ROOT);

  private final LineInput in;
  private final String name;
  private boolean started;

  MboxReader(InputStream in, String name) {
    this.in = new LineInput(in);
    this.name = name;
  }

  /** The next message, or null at the end. The caller closes its content. */
  Message next() throws IOException {
    byte[] line;
    if (!started) {
      while ((line = in.next()) != null && LineInput.blank(line)) {
        // leading empty lines
      }
      if (line == null) {
        return null;
      }
      if (!LineInput.startsWith(line, "From ")) {
        throw new IOException(name + " is not an mbox file: it does not begin with a \"From \" line");
      }
      started = true;
    } else if ((line = in.next()) == null) {
      return null;
    }
    long date = fromLineDate(new String(line, StandardCharsets.ISO_8859_1));
    MessageBuffer content = new MessageBuffer();
    TreeSet<String> flags = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    try {
      readHeader(content, flags);
      readBody(content);
    } catch (IOException | RuntimeException e) {
      content.close();
      throw e;
    }
    return new Message(content, flags, date);
  }

  private void readHeader(MessageBuffer out, Set<String> flags) throws IOException {
    byte[] line;
    boolean dropping = false;
    String field = null;
    StringBuilder value = new StringBuilder();
    while ((line = in.next()) != null) {
      boolean start = in.atLineStart();
      if (start && LineInput.startsWith(line, "From ")) {
        in.pushBack(line); // a message of only a header
        break;
      }
      boolean continuation = start && line.length > 0 && (line[0] == ' ' || line[0] == '\t');
      if (start && !continuation) {
        if (field != null) {
          flags(field, value.toString(), flags);
          field = null;
        }
        if (LineInput.blank(line)) {
          LineInput.writeCrlf(line, 0, out);
          return;
        }
        String text = new String(line, StandardCharsets.ISO_8859_1);
        int colon = text.indexOf(':');
        String name = colon > 0 ? text.substring(0, colon).trim().toLowerCase(Locale.ROOT) : "";
        dropping = DROPPED.contains(name);
        if (dropping) {
          field = name;
          value.setLength(0);
          value.append(text.substring(colon + 1));
          continue;
        }
      } else if (dropping) {
        value.append(new String(line, StandardCharsets.ISO_8859_1));
        continue;
      }
      writeUnquoted(line, start, out);
    }
    if (field != null) {
      flags(field, value.toString(), flags);
    }
  }

  private void readBody(MessageBuffer out) throws IOException {
    byte[] line;
    byte[] heldBlank = null;
    while ((line = in.next()) != null) {
      boolean start = in.atLineStart();
      if (start && heldBlank != null && LineInput.startsWith(line, "From ")) {
        in.pushBack(line);
        return; // the held empty line was the separator
      }
      if (heldBlank != null) {
        LineInput.writeCrlf(heldBlank, 0, out);
        heldBlank = null;
      }
      if (start && LineInput.blank(line)) {
        heldBlank = line;
        continue;
      }
      writeUnquoted(line, start, out);
    }
    // At the end the held empty line is the writer's separator after the last message.
  }

  /** mboxrd: {@code >From }, {@code >>From } … lose one {@code >}. */
  private static void writeUnquoted(byte[] line, boolean start, MessageBuffer out) throws IOException {
    int from = 0;
    if (start && line.length > 0 && line[0] == '>') {
      int i = 0;
      while (i < line.length && line[i] == '>') {
        i++;
      }
      if (line.length - i >= 5 && new String(line, i, 5, StandardCharsets.ISO_8859_1).equals("From ")) {
        from = 1;
      }
    }
    LineInput.writeCrlf(line, from, out);
  }

  private static void flags(String field, String value, Set<String> flags) {
    String v = value.trim();
    switch (field) {
      case "status" -> {
        if (v.indexOf('R') >= 0) {
          flags.add("\\Seen");
        }
      }
      case "x-status" -> {
        if (v.indexOf('A') >= 0) flags.add("\\Answered");
        if (v.indexOf('F') >= 0) flags.add("\\Flagged");
        if (v.indexOf('T') >= 0) flags.add("\\Draft");
        if (v.indexOf('D') >= 0) flags.add("\\Deleted");
      }
      case "x-keywords" -> {
        for (String k : v.split("[\\s,]+")) {
          if (!k.isEmpty() && !k.startsWith("\\") && k.chars().allMatch(c -> c > 32 && c < 127 && "(){%*\"\\]".indexOf(c) < 0)) {
            flags.add(k);
          }
        }
      }
      default -> {}
    }
  }

  /** The date of a From_ line in epoch milliseconds, or now when it has none that can be read. */
  static long fromLineDate(String fromLine) {
    Matcher m = ASCTIME.matcher(fromLine);
    if (m.find()) {
      try {
        int month = java.time.Month.from(MONTH.parse(m.group(1))).getValue();
        LocalDateTime t = LocalDateTime.of(Integer.parseInt(m.group(7)), month, Integer.parseInt(m.group(2)),
            Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)), m.group(5) == null ? 0 : Integer.parseInt(m.group(5)));
        String zone = m.group(6) != null ? m.group(6) : m.group(8);
        ZoneOffset off = zone == null ? ZoneOffset.UTC : ZoneOffset.of(zone);
        return t.toInstant(off).toEpochMilli();
      } catch (RuntimeException unreadable) {
        // fall through
      }
    }
    return System.currentTimeMillis();
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
