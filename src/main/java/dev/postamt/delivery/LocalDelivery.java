package dev.postamt.delivery;

import dev.postamt.mda.SieveDelivery;
import dev.postamt.mime.HeaderSection;
import dev.postamt.queue.DurableSpool;
import dev.postamt.queue.Envelope;
import dev.postamt.sieve.SieveEnvelope;
import dev.postamt.queue.LocalTransport;
import dev.postamt.queue.QueuedMessage;
import dev.postamt.queue.RecipientStatus;
import dev.postamt.routing.Destination;
import dev.postamt.config.Config;
import dev.postamt.store.MailStore;
import dev.postamt.store.StoreException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one queued message to one local destination: a user's mailbox (through {@link
 * MailStore#deliver}), a command's stdin or an mbox file. Each delivery adds {@code Return-Path:} and
 * {@code Delivered-To:} in front of the spooled message (which already carries our {@code Received:}).
 * Mailbox deliveries are idempotent: the {@link MailStore.DeliveryId} is derived from the queue id,
 * recipient and user, and a retry that finds it stored does not store it again.
 */
public final class LocalDelivery implements LocalTransport {
  private static final Logger log = LoggerFactory.getLogger(LocalDelivery.class);
  /** sysexits.h EX_TEMPFAIL: the command asks to be tried again later, as in Postfix local(8). */
  private static final int EX_TEMPFAIL = 75;

  private final Config config;
  private final DurableSpool spool;
  private final Consumer<String> onDelivered;
  private final MailStore store;
  private volatile SieveDelivery sieve;

  /**
   * @param onDelivered told the canonical address of each user who got a message (wakes IMAP IDLE)
   * @param store where mailbox deliveries go; each user's quota is checked first
   */
  public LocalDelivery(Config config, DurableSpool spool, Consumer<String> onDelivered, MailStore store) {
    this.config = config;
    this.spool = spool;
    this.onDelivered = onDelivered;
    this.store = store;
  }

  /**
   * Filters mailbox deliveries through Sieve from now on (the user's scripts, {@code [sieve] before} and
   * {@code after}, the default Junk rule); null delivers straight into INBOX.
   */
  public void sieve(SieveDelivery s) {
    this.sieve = s;
  }

  /**
   * @param recipient the envelope recipient this destination came from
   * @param retry true when an earlier attempt may already have delivered (check before writing)
   */
  @Override
  public RecipientStatus deliver(QueuedMessage m, int index, String recipient, Destination dest, boolean retry) {
    try {
      return switch (dest) {
        case Destination.Mailbox mb -> toMailbox(m, index, recipient, mb.user(), retry);
        case Destination.Pipe p -> toPipe(m, recipient, p.command());
        case Destination.File f -> toFile(m, f.path());
        case Destination.Remote r -> throw new IllegalArgumentException("remote destination in local delivery");
      };
    } catch (IOException e) {
      log.warn("{}: local delivery to {} failed: {}", m.id(), dest, e.toString());
      return new RecipientStatus.TempFail(Instant.now(), 0, "4.2.0 local delivery failed: " + e.getMessage());
    }
  }

  private RecipientStatus toMailbox(QueuedMessage m, int index, String recipient, String user, boolean retry)
      throws IOException {
    byte[] prefix = prefix(m, user);
    String unique = "Q" + m.id() + "R" + index + "M" + Integer.toHexString(user.hashCode() & 0x7fffffff);
    MailStore.DeliveryId id = new MailStore.DeliveryId(m.envelope().arrival().getEpochSecond(), unique, config.hostname());
    long size = prefix.length + m.size();
    if (retry && store.delivered(user, id, size)) {
      return new RecipientStatus.Delivered(Instant.now(), "already in " + user + "'s mailbox");
    }
    if (alreadyDeliveredTo(m, user)) {
      log.warn("{}: mail forwarding loop for {}: the message already has Delivered-To: {}", m.id(), user, user);
      return new RecipientStatus.PermFail(Instant.now(), "5.4.6 mail forwarding loop for " + user);
    }
    RecipientStatus overQuota = checkQuota(m, user, size);
    if (overQuota != null) {
      return overQuota;
    }
    SieveDelivery filter = sieve;
    if (filter != null) {
      byte[] all = withPrefix(prefix, m);
      RecipientStatus st = filter.deliver(new SieveDelivery.Request(m.id(), index, user, sieveEnvelope(m, index, recipient),
          m.envelope().body(), all, SieveDelivery.returnPathLength(all), id, retry));
      if (st instanceof RecipientStatus.Delivered) {
        onDelivered.accept(user);
      }
      return st;
    }
    try (InputStream in = new SequenceInputStream(new ByteArrayInputStream(prefix), spool.openMessage(m))) {
      store.deliver(user, id, in, size);
    }
    onDelivered.accept(user);
    return new RecipientStatus.Delivered(Instant.now(), "2.0.0 delivered to maildir of " + user);
  }

  /**
   * {@code prefix} and the message in one array of their size, each copied once (reading them through a
   * stream with {@code readAllBytes} gathered blocks and copied them again).
   */
  private byte[] withPrefix(byte[] prefix, QueuedMessage m) throws IOException {
    byte[] all = new byte[Math.toIntExact(prefix.length + m.size())];
    System.arraycopy(prefix, 0, all, 0, prefix.length);
    try (InputStream in = spool.openMessage(m)) {
      if (in.readNBytes(all, prefix.length, (int) m.size()) != m.size()) {
        throw new IOException(m.id() + ": the spool file is shorter than the message");
      }
    }
    return all;
  }

  /** RFC 5228 §5.4: the envelope as Sieve's envelope test sees it (RFC 3461 ORCPT as orig_to, RFC 5183 auth). */
  private static SieveEnvelope sieveEnvelope(QueuedMessage m, int index, String recipient) {
    Envelope e = m.envelope();
    String orig = index < e.recipients().size()
        ? e.recipients().get(index).orcpt().map(o -> o.substring(o.indexOf(';') + 1).strip()).orElse(null) : null;
    return new SieveEnvelope(e.sender(), recipient, orig, e.authUser().orElse(null));
  }

  /**
   * A full mailbox is a temporary failure, as with Postfix and Dovecot: the queue retries on its
   * schedule (the user may expunge, or the admin raise the quota) and bounces at {@code
   * queue.max_lifetime} with 5.2.2. RFC 3463: X.2.2 "mailbox full". Null when the message fits.
   */
  private RecipientStatus checkQuota(QueuedMessage m, String user, long size) {
    try {
      if (store.quota(user).allows(size, 1)) {
        return null;
      }
    } catch (StoreException e) {
      log.warn("{}: cannot check the quota of {}: {}", m.id(), user, e.getMessage());
      return new RecipientStatus.TempFail(Instant.now(), 0, "4.3.0 cannot check the quota of " + user);
    }
    log.info("{}: {} is over quota; delivery deferred", m.id(), user);
    return new RecipientStatus.TempFail(Instant.now(), 0, "4.2.2 <" + user + ">: Mailbox full (quota exceeded)");
  }

  /**
   * Postfix local(8)'s loop check: a message that already carries {@code Delivered-To: user} has been
   * here before (forwarded out and back, e.g. by a {@code .forward} or an alias at another site), and
   * delivering it again would loop; it bounces with 5.4.6 (RFC 3463 "routing loop detected").
   */
  private boolean alreadyDeliveredTo(QueuedMessage m, String user) throws IOException {
    try (InputStream in = spool.openMessage(m)) {
      if (!mayCarryDeliveredTo(in)) {
        return false; // most messages: no field to parse for
      }
    }
    HeaderSection headers;
    try (InputStream in = spool.openMessage(m)) {
      headers = HeaderSection.read(in);
    } catch (HeaderSection.TooLargeException e) {
      return false; // no Delivered-To looked for beyond the limit
    }
    return headers.fields().stream()
        .anyMatch(f -> f.is("Delivered-To") && f.value().strip().equalsIgnoreCase(user));
  }

  private static final byte[] DELIVERED_TO = "delivered-to".getBytes(StandardCharsets.US_ASCII);

  /**
   * Whether a line of the header section {@code in} starts with {@code Delivered-To} (any case, blanks
   * before it allowed): every message that has such a field, and a few that do not, so that the header
   * section is parsed only for those. True when unsure (a section larger than {@link HeaderSection#MAX_BYTES},
   * which the parse then refuses). Lines end at LF, an empty one ends the section, as {@link HeaderSection}
   * reads them.
   */
  static boolean mayCarryDeliveredTo(InputStream in) throws IOException {
    byte[] buf = new byte[2048];
    long total = 0;
    int col = 0; // bytes of the line so far
    boolean crFirst = false; // the line began with CR
    int matched = 0; // name bytes matched after the leading blanks; -1: this line is not one
    int n;
    while ((n = in.read(buf)) > 0) {
      total += n;
      if (total > HeaderSection.MAX_BYTES) {
        return true; // perhaps past the limit: the parse decides
      }
      for (int i = 0; i < n; i++) {
        byte b = buf[i];
        if (b == '\n') {
          if (col == 0 || (col == 1 && crFirst)) {
            return false; // the empty line: the end of the header section
          }
          col = 0;
          matched = 0;
          continue;
        }
        if (col++ == 0) {
          crFirst = b == '\r';
        }
        if (matched < 0 || (matched == 0 && (b == ' ' || b == '\t'))) {
          continue;
        }
        int lower = b >= 'A' && b <= 'Z' ? b + 32 : b;
        if (lower != DELIVERED_TO[matched]) {
          matched = -1;
        } else if (++matched == DELIVERED_TO.length) {
          return true;
        }
      }
    }
    return false;
  }

  private byte[] prefix(QueuedMessage m, String deliveredTo) {
    return ("Return-Path: <" + m.envelope().sender() + ">\r\nDelivered-To: " + deliveredTo + "\r\n" + m.headers())
        .getBytes(StandardCharsets.UTF_8);
  }

  private RecipientStatus toPipe(QueuedMessage m, String recipient, String command) throws IOException {
    ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", command);
    pb.environment().put("SENDER", m.envelope().sender());
    pb.environment().put("RECIPIENT", recipient);
    pb.environment().put("QUEUE_ID", m.id());
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    try (OutputStream os = p.getOutputStream(); InputStream in = spool.openMessage(m)) {
      os.write(prefix(m, recipient));
      in.transferTo(os);
    } catch (IOException e) {
      // the command may exit without reading everything; its exit status decides
    }
    try {
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        return new RecipientStatus.TempFail(Instant.now(), 0, "4.3.0 command timed out: " + command);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      return new RecipientStatus.TempFail(Instant.now(), 0, "4.3.0 interrupted");
    }
    int rc = p.exitValue();
    if (rc == 0) {
      return new RecipientStatus.Delivered(Instant.now(), "2.0.0 delivered to command: " + command);
    }
    if (rc == EX_TEMPFAIL) {
      return new RecipientStatus.TempFail(Instant.now(), 0, "4.3.0 command asked to retry (exit 75): " + command);
    }
    return new RecipientStatus.PermFail(Instant.now(), "5.3.0 command failed with exit status " + rc + ": " + command);
  }

  /** Appends in mbox format (RFC 4155): "From " line, ">From " quoting, a blank line after. */
  private RecipientStatus toFile(QueuedMessage m, Path file) throws IOException {
    String sender = m.envelope().sender().isEmpty() ? "MAILER-DAEMON" : m.envelope().sender();
    String date =
        DateTimeFormatter.ofPattern("EEE MMM d HH:mm:ss yyyy", Locale.ROOT).format(Instant.now().atZone(ZoneOffset.UTC));
    try (FileChannel ch =
            FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        FileLock lock = ch.lock();
        InputStream in = spool.openMessage(m)) {
      long start = ch.size();
      try {
        OutputStream out = new java.io.BufferedOutputStream(Channels.newOutputStream(ch));
        out.write(("From " + sender + " " + date + "\n").getBytes(StandardCharsets.UTF_8));
        out.write(("Return-Path: <" + m.envelope().sender() + ">\n").getBytes(StandardCharsets.UTF_8));
        MboxWriter.copy(in, out);
        out.write('\n');
        out.flush();
        ch.force(true);
      } catch (IOException e) {
        ch.truncate(start); // never leave half a message in the mbox
        throw e;
      }
    }
    return new RecipientStatus.Delivered(Instant.now(), "2.0.0 appended to " + file);
  }
}
