package dev.postamt.im2000;

import dev.postamt.mailauth.dkim.SigningKey;
import dev.postamt.mime.HeaderSection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sending side: messages of local users to IM2000 domains, kept once in {@code
 * data_dir/im2000/outbox/<id>.eml} (fsync'd, directory fsync'd, before the queue counts them delivered)
 * and indexed in {@link SqliteOutbox}; one signed notification per recipient domain, POSTed once. A
 * domain that was down is never called again: it finds the notification in our feed when it comes
 * back. The message is served at its capability URL until every recipient domain confirmed its fetch,
 * then deleted; unfetched messages are deleted when {@code [im2000] retention} ends.
 */
final class Outbox implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Outbox.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** One recipient domain of a message to send: where it is advertised and who is addressed there. */
  record Destination(String domain, Advertisement advertisement, List<String> recipients) {}

  private final Path dir;
  private final SqliteOutbox index;
  private final HttpsClient http;
  private final URI base;
  private final Duration retention;
  private final Clock clock;
  /** Notification POSTs made by this process (the "no retry traffic" measurement). */
  private final AtomicInteger posts = new AtomicInteger();

  Outbox(Path dir, HttpsClient http, URI base, Duration retention, Clock clock) throws IOException {
    this.dir = Files.createDirectories(dir.resolve("outbox"));
    this.index = SqliteOutbox.open(dir.resolve("outbox.db"));
    this.http = http;
    this.base = base;
    this.retention = retention;
    this.clock = clock;
  }

  /**
   * Keeps the message (once, whatever the number of recipients and domains) and notifies each domain.
   * Returns once the message is on stable storage; notification failures are logged, not retried.
   *
   * @param id the queue id (a retry after a crash finds the message kept and sends nothing again)
   * @param message the message bytes as they would go out by SMTP
   */
  void send(String id, String sender, InputStream message, List<Destination> destinations, SigningKey key)
      throws IOException {
    if (index.contains(id)) {
      log.info("im2000: {} is already in the outbox (a retry after a restart); no notification is sent again", id);
      return;
    }
    Path file = dir.resolve(id + ".eml");
    Path tmp = dir.resolve(id + ".tmp");
    MessageDigest sha;
    long size;
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE)) {
      sha = MessageDigest.getInstance("SHA-256");
      OutputStream out = new DigestOutputStream(Channels.newOutputStream(ch), sha);
      size = message.transferTo(out);
      out.flush();
      ch.force(true);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    fsyncDirectory(dir);
    String hex = HexFormat.of().formatHex(sha.digest());
    HeaderSection h;
    try (InputStream in = Files.newInputStream(file)) {
      h = HeaderSection.read(in);
    }
    byte[] raw = new byte[32];
    RANDOM.nextBytes(raw);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    String url = base.resolve("m/" + token).toString();
    List<SqliteOutbox.Delivery> deliveries = new ArrayList<>();
    for (Destination d : destinations) {
      Notification n = new Notification(id, sender, d.recipients(), size, hex, url, first(h, "From"),
          first(h, "Subject"), first(h, "Date"), first(h, "Message-ID"));
      byte[] json = n.json();
      String sig = Signatures.sign(key, "POST", HttpsClient.target(d.advertisement().notifyUrl()), json);
      deliveries.add(new SqliteOutbox.Delivery(id, d.domain(), d.recipients(), json, sig, "unreached", 0));
    }
    Instant now = clock.instant();
    index.add(id, tokenHash(token), hex, size, now, now.plus(retention), deliveries);
    for (int i = 0; i < destinations.size(); i++) {
      notify(destinations.get(i), deliveries.get(i));
    }
  }

  /** The one notification POST to a domain: its outcome is recorded, never retried. */
  private void notify(Destination d, SqliteOutbox.Delivery delivery) {
    posts.incrementAndGet();
    boolean reached = false;
    try {
      HttpsClient.Answer a = http.send("POST", d.advertisement().notifyUrl(), delivery.signature(), delivery.notification(), 64 * 1024);
      reached = a.status() / 100 == 2;
      log.info("im2000: {}: notified {} ({}): {}", delivery.messageId(), d.domain(), a.status(),
          new String(a.body(), java.nio.charset.StandardCharsets.UTF_8));
    } catch (IOException e) {
      log.info("im2000: {}: {} not reached ({}); it finds the message in our feed, no retry", delivery.messageId(),
          d.domain(), e.getMessage());
    }
    index.notified(delivery.messageId(), d.domain(), reached);
  }

  private static String first(HeaderSection h, String name) {
    List<HeaderSection.Field> f = h.all(name);
    String v = f.isEmpty() ? "" : f.getFirst().value().strip().replaceAll("[\\r\\n]+", " ");
    return v.length() > 900 ? v.substring(0, 900) : v;
  }

  static String tokenHash(String token) {
    return HexFormat.of().formatHex(Signatures.sha256(token.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
  }

  /** The file of the message a capability token names, and its SHA-256; empty when unknown or gone. */
  Optional<Path> file(String token) {
    return index.byToken(tokenHash(token)).map(r -> dir.resolve(r[0] + ".eml")).filter(Files::exists);
  }

  /**
   * A recipient domain confirmed its fetch; the message goes when it was the last one.
   *
   * @return false when the token or the domain is unknown
   */
  boolean confirm(String token, String domain) throws IOException {
    Optional<String[]> m = index.byToken(tokenHash(token));
    if (m.isEmpty()) {
      return false;
    }
    boolean known = index.deliveries(m.get()[0]).stream().anyMatch(d -> d.domain().equals(domain));
    if (!known) {
      return false;
    }
    if (index.fetched(m.get()[0], domain)) {
      delete(m.get()[0]);
      log.info("im2000: {}: fetched by every recipient domain, deleted from the outbox", m.get()[0]);
    }
    return true;
  }

  /** The notifications a domain has not fetched yet (its feed). */
  List<SqliteOutbox.Delivery> pending(String domain) {
    return index.pending(domain);
  }

  /** Deletes messages whose retention has ended; returns how many. */
  int expire() throws IOException {
    int n = 0;
    for (String id : index.expired(clock.instant())) {
      log.info("im2000: {}: retention ended; deleted unfetched by {}", id,
          index.deliveries(id).stream().filter(d -> !d.state().equals("fetched")).map(SqliteOutbox.Delivery::domain).toList());
      delete(id);
      n++;
    }
    return n;
  }

  private void delete(String id) throws IOException {
    Files.deleteIfExists(dir.resolve(id + ".eml"));
    index.delete(id);
  }

  /** The ids in the outbox, oldest first. */
  List<String> ids() {
    return index.ids();
  }

  /** Per recipient domain of a message: its state and how many notification POSTs it got. */
  Map<String, SqliteOutbox.Delivery> deliveries(String id) {
    Map<String, SqliteOutbox.Delivery> out = new java.util.TreeMap<>();
    index.deliveries(id).forEach(d -> out.put(d.domain(), d));
    return out;
  }

  /** Notification POSTs made since start. */
  int posts() {
    return posts.get();
  }

  private static void fsyncDirectory(Path d) {
    try (FileChannel ch = FileChannel.open(d, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // some file systems cannot open directories; the rename is then as durable as it gets
    }
  }

  @Override
  public void close() {
    index.close();
  }
}
