package dev.postamt.imap;

import dev.postamt.imap.Command.Tagged;
import dev.postamt.store.Account;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * IDLE (RFC 2177): {@link #begin} answers the command with a continuation and watches the mailbox;
 * the session's command loop then waits for {@code DONE} ({@link #awaitDone}).
 *
 * <p>The wait is split off the command so that it is made from the command loop, not from under {@code
 * handle} and {@code execute}: a parked virtual thread keeps its frames on the heap (the JVM's stack
 * chunks), IDLE is where a connection waits longest, and waiting there the thread's stack is no deeper
 * than while it waits for a command. From under {@code execute} the 10,000 connections of {@code
 * bench/imap-idle-10k} held 76 MB of stack chunks, from the loop 64 MB (bench/README.md, 2026-12-06).
 */
final class IdleCommand {
  private final ImapSession s;
  /** The IDLE waiting for DONE, or null. */
  private Pending pending;

  private record Pending(Tagged command, IdleWatch.Registration watch) {}

  IdleCommand(ImapSession s) {
    this.s = s;
  }

  /** Whether an IDLE waits for DONE: the command loop then calls {@link #awaitDone}. */
  boolean waiting() {
    return pending != null;
  }

  void begin(Tagged t) throws IOException, ImapException {
    s.w.continuation("idling");
    s.transport.park(); // small buffers while it waits (10,000 idle connections: ~20 MB)
    if (s.notify != null) {
      end(t, s.notify.idle()); // NOTIFY (RFC 5465) watches by itself
      return;
    }
    // No thread waits for changes: IdleWatch runs the notifier when there is something to report.
    // The notifier writes while the session waits for DONE: through writeAside, never beside a goodbye.
    Account watched = s.selected != null ? s.selected.account : s.account; // a shared mailbox is its owner's
    pending = new Pending(t, IdleWatch.register(watched, s.selected, () -> s.transport.writeAside(() -> {
      if (s.selected != null) {
        s.selected.sync(s.w, true, s.qresync);
        s.selected.reportKeywords(s.w);
        s.w.flush();
      }
    })));
  }

  /** The rest of IDLE: waits for DONE and answers as the session answers a command. */
  void awaitDone() throws IOException, ImapSession.TooManyErrors {
    Pending p = pending;
    byte[] line;
    try (IdleWatch.Registration watch = p.watch()) {
      line = s.reader.readLine();
    } finally {
      pending = null;
    }
    try {
      end(p.command(), line);
    } catch (ImapException e) {
      s.syncQuietly(p.command());
      s.bad(p.command().tag(), (e.code() == null ? "" : "[" + e.code() + "] ") + e.getMessage());
    }
  }

  private void end(Tagged t, byte[] line) throws IOException, ImapException {
    if (line == null) {
      throw new IOException("connection closed during IDLE");
    }
    if (!new String(line, StandardCharsets.US_ASCII).equalsIgnoreCase("DONE")) {
      throw ImapException.bad("Expected DONE");
    }
    if (s.notify != null) {
      s.notify.reportAtCommandEnd(true);
    } else if (s.selected != null) {
      s.selected.sync(s.w, true, s.qresync);
    }
    s.w.tagged(t.tag(), "OK IDLE terminated");
  }
}
