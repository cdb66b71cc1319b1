package dev.postamt.admin;

import dev.postamt.config.Config;
import dev.postamt.mime.MailDate;
import dev.postamt.net.ControlSocket;
import dev.postamt.quarantine.Quarantine;
import dev.postamt.queue.DurableSpool;
import dev.postamt.queue.Envelope;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;

/**
 * {@code postamt quarantine list|show|release|delete}: the messages held instead of delivered. Works
 * on the data directory whether or not the server runs. {@code release} puts the message into the
 * queue for its original recipients as if it had just been accepted (no check runs again), with
 * {@code X-Quarantine-Released: by postamt quarantine release at DATE (held for REASON; id ID)} in
 * front (the spool commit first, then the quarantine entry is removed: a crash in between gives a
 * second copy, never none), and asks a running server to deliver it at once; a stopped server
 * delivers it when it starts.
 */
public final class QuarantineAdmin {
  static final String RELEASED = "X-Quarantine-Released";

  private final Config config;

  QuarantineAdmin(Config config) {
    this.config = config;
  }

  /** Everything held, oldest first. */
  public List<Quarantine.Entry> list() {
    try {
      return quarantine().list();
    } catch (IOException e) {
      throw AdminException.of(e);
    }
  }

  public Quarantine.Entry show(String id) {
    try {
      return quarantine().find(id).orElseThrow(() -> notHeld(id));
    } catch (IOException e) {
      throw AdminException.of(e);
    }
  }

  /** The held message as it would have been delivered. */
  public InputStream open(String id) {
    show(id);
    try {
      return quarantine().open(id);
    } catch (IOException e) {
      throw AdminException.of(e);
    }
  }

  /** Sends a held message on to its original recipients; returns the confirmation line. */
  public String release(String id) {
    Quarantine.Entry e = show(id);
    String queueId = DurableSpool.newId();
    try {
      Quarantine q = quarantine();
      DurableSpool spool = new DurableSpool(config.dataDir().resolve("queue"));
      Envelope env = new Envelope(queueId, Instant.now(), e.sender(),
          e.recipients().stream().map(Envelope.Recipient::of).toList(), e.body(), e.smtpUtf8(),
          Optional.empty(), Optional.empty(), config.hostname(), e.clientIp(), Optional.empty(), "ESMTP");
      String header = releasedHeader(e, ZonedDateTime.now());
      try (DurableSpool.Writer w = spool.create(queueId); InputStream in = q.open(id)) {
        in.transferTo(w.out());
        w.commit(env, header);
      }
      q.delete(id);
    } catch (IOException ex) {
      throw AdminException.of(ex);
    }
    String delivery;
    try {
      delivery = ControlSocket.request(ControlSocket.path(config), "requeue " + queueId).isPresent()
          ? "being delivered"
          : "delivered when the server starts";
    } catch (IOException ex) {
      delivery = "queued (" + ex.getMessage() + ")";
    }
    return "released " + id + " to " + e.recipients().size() + " recipient(s) as queue id " + queueId + ", " + delivery;
  }

  /** Drops a held message for good. */
  public String delete(String id) {
    try {
      if (!quarantine().delete(id)) {
        throw notHeld(id);
      }
    } catch (IOException e) {
      throw AdminException.of(e);
    }
    return "deleted " + id;
  }

  private static AdminException notHeld(String id) {
    return new AdminException("quarantine: no message " + id + " is held");
  }

  private Quarantine quarantine() throws IOException {
    return Quarantine.open(config);
  }

  /** The field a released message gets, folded after the date (RFC 5322 §2.2.3); the reason kept to one short line. */
  static String releasedHeader(Quarantine.Entry e, ZonedDateTime at) {
    String reason = e.reason().replaceAll("[()]", " ").replaceAll("[^\\x20-\\x7e]", "?").strip();
    if (reason.length() > 200) {
      reason = reason.substring(0, 200) + "...";
    }
    return RELEASED + ": by postamt quarantine release at " + MailDate.format(at) + "\r\n (held for " + reason + "; id "
        + e.id() + ")\r\n";
  }
}
