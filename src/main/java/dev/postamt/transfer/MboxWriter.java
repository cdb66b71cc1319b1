package dev.postamt.transfer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Writes messages as mboxrd (the format {@link MboxReader} reads): a From_ line with the INTERNALDATE in
 * UTC asctime form, the message with LF line ends, {@code Status:}/{@code X-Status:}/{@code
 * X-Keywords:} added at the end of the header when the message has such flags, every line that begins
 * with {@code From } after any number of {@code >} given one more {@code >}, and an empty line after it.
 */
final class MboxWriter {
  private static final DateTimeFormatter ASCTIME =
      DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final OutputStream out;

  MboxWriter(OutputStream out) {
    this.out = out;
  }

  void write(InputStream message, Set<String> flags, long internalDate) throws IOException {
    out.write(("From MAILER-DAEMON " + ASCTIME.format(Instant.ofEpochMilli(internalDate)) + "\n")
        .getBytes(StandardCharsets.US_ASCII));
    LineInput in = new LineInput(message);
    boolean header = true;
    boolean endedWithNewline = true;
    byte[] line;
    while ((line = in.next()) != null) {
      boolean start = in.atLineStart();
      if (header && start && LineInput.blank(line)) {
        writeFlags(flags);
        header = false;
      }
      if (start && quoted(line)) {
        out.write('>');
      }
      int end = line.length;
      if (end > 0 && line[end - 1] == '\n') {
        end--;
        if (end > 0 && line[end - 1] == '\r') {
          end--;
        }
        out.write(line, 0, end);
        out.write('\n');
        endedWithNewline = true;
      } else {
        out.write(line, 0, end);
        endedWithNewline = false;
      }
    }
    if (!endedWithNewline) {
      out.write('\n');
    }
    if (header) {
      writeFlags(flags); // a message without a body
    }
    out.write('\n');
  }

  /** Whether a line needs one more {@code >}: it is {@code >*From }. */
  private static boolean quoted(byte[] line) {
    int i = 0;
    while (i < line.length && line[i] == '>') {
      i++;
    }
    return line.length - i >= 5 && new String(line, i, 5, StandardCharsets.ISO_8859_1).equals("From ");
  }

  private void writeFlags(Set<String> flags) throws IOException {
    StringBuilder b = new StringBuilder();
    if (has(flags, "\\Seen")) {
      b.append("Status: RO\n");
    }
    String x = (has(flags, "\\Answered") ? "A" : "") + (has(flags, "\\Flagged") ? "F" : "")
        + (has(flags, "\\Draft") ? "T" : "") + (has(flags, "\\Deleted") ? "D" : "");
    if (!x.isEmpty()) {
      b.append("X-Status: ").append(x).append('\n');
    }
    List<String> keywords = new ArrayList<>();
    for (String f : flags) {
      if (!f.startsWith("\\")) {
        keywords.add(f);
      }
    }
    if (!keywords.isEmpty()) {
      b.append("X-Keywords: ").append(String.join(" ", keywords)).append('\n');
    }
    out.write(b.toString().getBytes(StandardCharsets.US_ASCII));
  }

  static boolean has(Set<String> flags, String flag) {
    return flags.stream().anyMatch(flag::equalsIgnoreCase);
  }
}
