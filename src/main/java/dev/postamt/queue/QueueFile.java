package dev.postamt.queue;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The format of a queue file ({@link DurableSpool}): the message bytes as received, then the envelope as
 * a trailer (text lines, values in xtext), then a fixed-size footer giving the trailer's length; and
 * beside it the per-recipient status log {@code ID.status}. Written by the spool's writer, read back by
 * {@link DurableSpool#load}.
 */
final class QueueFile {
  static final String MAGIC = "POSTAMT-QUEUE 1";
  static final String FOOTER = "POSTAMT-TRAILER";

  private QueueFile() {}

  /** The envelope trailer and the footer after it, as they follow the message bytes in the file. */
  static byte[] trailerAndFooter(Envelope env, String headers, long bodySize) {
    byte[] trailer = encodeTrailer(env, headers, bodySize);
    String len = Integer.toString(trailer.length); // "%012d" without a Formatter per message
    byte[] footer = (FOOTER + " " + "0".repeat(Math.max(0, 12 - len.length())) + len + "\n").getBytes(StandardCharsets.US_ASCII);
    byte[] both = Arrays.copyOf(trailer, trailer.length + footer.length);
    System.arraycopy(footer, 0, both, trailer.length, footer.length);
    return both;
  }

  static byte[] encodeTrailer(Envelope e, String headers, long bodySize) {
    StringBuilder b = new StringBuilder(256);
    b.append(MAGIC).append('\n');
    line(b, "size", Long.toString(bodySize));
    line(b, "headers", Xtext.encode(headers));
    line(b, "id", e.id());
    line(b, "arrival", Long.toString(e.arrival().toEpochMilli()));
    line(b, "sender", Xtext.encode(e.sender()));
    line(b, "body", e.body());
    line(b, "smtputf8", e.smtpUtf8() ? "1" : "0");
    if (e.requireTls()) {
      line(b, "requiretls", "1");
    }
    e.ret().ifPresent(v -> line(b, "ret", v));
    e.envid().ifPresent(v -> line(b, "envid", Xtext.encode(v)));
    line(b, "helo", Xtext.encode(e.clientHelo()));
    line(b, "client", Xtext.encode(e.clientAddress()));
    e.authUser().ifPresent(v -> line(b, "auth", Xtext.encode(v)));
    line(b, "protocol", e.protocol());
    for (Envelope.Recipient r : e.recipients()) {
      b.append("rcpt ")
          .append(Xtext.encode(r.address()))
          .append(' ')
          .append(r.notifyOn().isEmpty() ? "-" : String.join(",", r.notifyOn()))
          .append(' ')
          .append(r.orcpt().map(Xtext::encode).orElse("-"))
          .append('\n');
    }
    return b.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static void line(StringBuilder b, String key, String value) {
    b.append(key).append(' ').append(value).append('\n');
  }

  static QueuedMessage read(Path f, boolean held) throws IOException {
    String text;
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
      long len = ch.size();
      int footerLen = FOOTER.length() + 14;
      if (len < footerLen) {
        throw new IOException(f + ": not a Postamt queue file");
      }
      java.nio.ByteBuffer fb = java.nio.ByteBuffer.allocate(footerLen);
      ch.read(fb, len - footerLen);
      String footer = new String(fb.array(), StandardCharsets.US_ASCII);
      if (!footer.startsWith(FOOTER + " ")) {
        throw new IOException(f + ": not a Postamt queue file");
      }
      int tlen = Integer.parseInt(footer.substring(FOOTER.length() + 1, footerLen - 1));
      java.nio.ByteBuffer tb = java.nio.ByteBuffer.allocate(tlen);
      ch.read(tb, len - footerLen - tlen);
      text = new String(tb.array(), StandardCharsets.US_ASCII);
    }
    String[] lines = text.split("\n");
    if (lines.length == 0 || !lines[0].equals(MAGIC)) {
      throw new IOException(f + ": not a Postamt queue file");
    }
    String id = null, sender = "", body = "7BIT", helo = "", client = "", protocol = "SMTP", headers = "";
    long size = 0;
    Instant arrival = Instant.EPOCH;
    boolean utf8 = false;
    boolean requireTls = false;
    Optional<String> ret = Optional.empty(), envid = Optional.empty(), auth = Optional.empty();
    List<Envelope.Recipient> rcpts = new ArrayList<>();
    for (int i = 1; i < lines.length; i++) {
      String l = lines[i];
      if (l.isEmpty()) {
        continue;
      }
      int sp = l.indexOf(' ');
      String k = sp < 0 ? l : l.substring(0, sp);
      String v = sp < 0 ? "" : l.substring(sp + 1);
      switch (k) {
        case "id" -> id = v;
        case "size" -> size = Long.parseLong(v);
        case "headers" -> headers = Xtext.decode(v);
        case "arrival" -> arrival = Instant.ofEpochMilli(Long.parseLong(v));
        case "sender" -> sender = Xtext.decode(v);
        case "body" -> body = v;
        case "smtputf8" -> utf8 = v.equals("1");
        case "requiretls" -> requireTls = v.equals("1");
        case "ret" -> ret = Optional.of(v);
        case "envid" -> envid = Optional.of(Xtext.decode(v));
        case "helo" -> helo = Xtext.decode(v);
        case "client" -> client = Xtext.decode(v);
        case "auth" -> auth = Optional.of(Xtext.decode(v));
        case "protocol" -> protocol = v;
        case "rcpt" -> {
          String[] p = v.split(" ");
          rcpts.add(
              new Envelope.Recipient(
                  Xtext.decode(p[0]),
                  p.length > 1 && !p[1].equals("-") ? List.of(p[1].split(",")) : List.of(),
                  p.length > 2 && !p[2].equals("-") ? Optional.of(Xtext.decode(p[2])) : Optional.empty()));
        }
        default -> {
          // unknown keys from a newer version are ignored
        }
      }
    }
    if (id == null) {
      throw new IOException(f + ": queue file without id");
    }
    Envelope env = new Envelope(id, arrival, sender, rcpts, body, utf8, ret, envid, helo, client, auth, protocol, requireTls);
    List<QueuedMessage.Notice> notices = new ArrayList<>();
    List<RecipientStatus> statuses = readStatuses(f.resolveSibling(id + ".status"), rcpts.size(), notices);
    return new QueuedMessage(env, statuses, f, headers, size, held, List.copyOf(notices), null);
  }

  private static List<RecipientStatus> readStatuses(Path statusFile, int n, List<QueuedMessage.Notice> notices)
      throws IOException {
    RecipientStatus[] st = new RecipientStatus[n];
    Arrays.fill(st, new RecipientStatus.Scheduled());
    int[] attempts = new int[n];
    if (Files.exists(statusFile)) {
      try (BufferedReader r = Files.newBufferedReader(statusFile, StandardCharsets.US_ASCII)) {
        String l;
        while ((l = r.readLine()) != null) {
          String[] p = l.split(" ", 4);
          if (p.length < 3) {
            continue; // a torn last line after a crash: that outcome was never recorded
          }
          int idx;
          long ms;
          try {
            idx = Integer.parseInt(p[0]);
            ms = Long.parseLong(p[2]);
          } catch (NumberFormatException e) {
            continue;
          }
          if (idx < 0 || idx >= n) {
            continue;
          }
          String text = p.length > 3 ? safeDecode(p[3]) : "";
          Instant at = Instant.ofEpochMilli(ms);
          st[idx] =
              switch (p[1]) {
                case "D" -> new RecipientStatus.Delivered(at, text);
                case "R" -> new RecipientStatus.Delivered(at, text, RecipientStatus.Kind.RELAYED);
                case "P" -> new RecipientStatus.Delivered(at, text, RecipientStatus.Kind.DSN_PASSED_ON);
                case "N" -> {
                  // "IDX N EPOCHMS KIND:DSNID": a delivery status notification was queued
                  int colon = text.indexOf(':');
                  if (colon > 0) {
                    notices.add(new QueuedMessage.Notice(idx, text.substring(0, colon), text.substring(colon + 1)));
                  }
                  yield st[idx];
                }
                case "F" -> new RecipientStatus.PermFail(at, text);
                case "T" -> new RecipientStatus.TempFail(at, ++attempts[idx], text);
                case "S" -> {
                  attempts[idx] = 0; // requeued: the back-off starts again
                  yield new RecipientStatus.Scheduled();
                }
                default -> st[idx];
              };
        }
      }
    }
    return List.of(st);
  }

  private static String safeDecode(String s) {
    try {
      return Xtext.decode(s);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }
}
