package dev.postamt.imap;

import java.io.IOException;

/**
 * INPROGRESS (RFC 9585): a SEARCH, SORT or THREAD that runs longer than {@link
 * ImapSession#progressInterval} tells the client how far it got, every interval, as {@code * OK
 * [INPROGRESS ("tag" done total)] text} — so that a client (or a proxy) does not give up on a long
 * search of a large mailbox. The counts are messages looked at and messages to look at; {@code done}
 * stays below {@code total} (RFC 9585 §3), and nothing is sent once the work is complete.
 */
final class Progress {
  static final String CAPABILITY = "INPROGRESS";

  private final ImapSession s;
  private final String text;
  private final long total;
  private final long interval;
  private long last = System.nanoTime();

  Progress(ImapSession s, String text, long total) {
    this.s = s;
    this.text = text;
    this.total = total;
    this.interval = s.progressInterval.toNanos();
  }

  /** Called with the number of messages done so far; reports when an interval has passed. */
  void at(long done) throws IOException {
    if (done >= total) {
      return;
    }
    long now = System.nanoTime();
    if (now - last < interval) {
      return;
    }
    last = now;
    String tag = s.runningTag == null ? "NIL" : ResponseWriter.quote(s.runningTag);
    s.w.untagged("OK [INPROGRESS (" + tag + " " + done + " " + total + ")] " + text);
    s.w.flush();
  }
}
