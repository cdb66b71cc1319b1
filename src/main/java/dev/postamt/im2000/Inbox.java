package dev.postamt.im2000;

import dev.postamt.directory.Directory;
import dev.postamt.directory.DirectoryException;
import dev.postamt.dns.Resolver;
import dev.postamt.jmap.json.Json;
import dev.postamt.mailauth.dkim.DkimKeys;
import dev.postamt.mailauth.dkim.SigningKey;
import dev.postamt.store.MailStore;
import dev.postamt.store.MessageContent;
import dev.postamt.store.MessageResolver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiving side: notifications checked (signature by the sender domain's DKIM key, capability URL
 * under the sender domain's advertised base, recipients that are our users) and turned into stubs in the
 * recipients' INBOX; stubs resolved to the full message when first read ({@link #resolve}, the store's
 * {@link MessageResolver}), which is pulled once per message into {@code data_dir/im2000/inbox/<sha256>.eml}
 * (size and SHA-256 checked, fsync'd), shared by every local recipient; the fetch then confirmed to the
 * sender, so it can delete its copy. Feeds of peers are polled for notifications missed while we were down.
 */
final class Inbox implements MessageResolver, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Inbox.class);

  /** An answer to a notification: HTTP status and a JSON or problem text. */
  record Answer(int status, String text) {}

  private final Path dir;
  private final SqliteInbox index;
  private final Resolver dns;
  private final Directory directory;
  private final MailStore store;
  private final HttpsClient http;
  private final Path dataDir;
  private final String hostname;
  private final Clock clock;
  private final Map<String, Object> pulling = new ConcurrentHashMap<>();
  /** {@code [im2000] pull = "eager"}: a stub is pulled as soon as it is delivered. */
  private final boolean eager;

  Inbox(Path dir, Path dataDir, String hostname, Resolver dns, Directory directory, MailStore store, HttpsClient http,
      Clock clock, boolean eager) throws IOException {
    this.eager = eager;
    this.dir = Files.createDirectories(dir.resolve("inbox"));
    this.index = SqliteInbox.open(dir.resolve("inbox.db"));
    this.dataDir = dataDir;
    this.hostname = hostname;
    this.dns = dns;
    this.directory = directory;
    this.store = store;
    this.http = http;
    this.clock = clock;
  }

  /**
   * Takes a notification (pushed to us, or found in a feed): checks it and delivers a stub to each
   * local recipient, once per notification whatever the number of times it arrives.
   *
   * @param target the request target the signature covers ({@code /im2000/notify})
   */
  synchronized Answer accept(byte[] body, String signature, String target) {
    Notification n;
    String signer;
    try {
      n = Notification.parse(body);
      signer = Signatures.verify(dns, signature, "POST", target, body);
    } catch (IllegalArgumentException | Signatures.Invalid e) {
      return new Answer(e instanceof Signatures.Invalid ? 401 : 400, e.getMessage());
    }
    String senderDomain = n.senderDomain();
    if (!signer.equals(senderDomain)) {
      return new Answer(403, "signed by " + signer + ", not by the sender's domain " + senderDomain);
    }
    Optional<Advertisement> adv = Advertisement.lookup(dns, senderDomain);
    if (adv.isEmpty() || !n.url().startsWith(adv.get().base().toString() + "m/")) {
      return new Answer(403, "the capability URL is not under the IM2000 endpoint " + senderDomain + " advertises");
    }
    if (index.byUrl(n.url()).isPresent()) {
      return new Answer(200, "{\"duplicate\":true}");
    }
    List<String> local = new ArrayList<>();
    List<String> unknown = new ArrayList<>();
    try {
      for (String r : n.recipients()) {
        (directory.userExists(r) ? local : unknown).add(r);
      }
    } catch (DirectoryException e) {
      return new Answer(503, "cannot look up the recipients now");
    }
    if (local.isEmpty()) {
      return new Answer(404, "no recipient is a user here");
    }
    try {
      for (String user : local) {
        byte[] stub = Stub.of(n, user);
        // delivered under the full message's size: the index (RFC822.SIZE, quota) has it from the start
        String unique = "im2000-" + HexFormat.of().formatHex(Signatures.sha256((n.url() + " " + user).getBytes(
            java.nio.charset.StandardCharsets.UTF_8)), 0, 12);
        store.deliver(user, new MailStore.DeliveryId(clock.instant().getEpochSecond(), unique, hostname),
            new ByteArrayInputStream(stub), n.size());
        store.notifyDelivered(user);
      }
    } catch (IOException e) {
      log.warn("im2000: cannot store the stub of {} from {}: {}", n.id(), senderDomain, e.getMessage());
      return new Answer(503, "cannot store the message now");
    }
    index.add(n, senderDomain, local, clock.instant());
    index.addPeer(senderDomain);
    log.info("im2000: notification {} from {} for {}: stub delivered", n.id(), senderDomain, local);
    if (eager) {
      index.byUrl(n.url()).ifPresent(r -> Thread.ofVirtual().name("im2000-pull").start(() -> pull(r)));
    }
    return new Answer(202, Json.write(Map.of("accepted", local, "unknown", unknown)));
  }

  @Override
  public Resolved resolve(String user, MessageContent stored) throws IOException {
    if (stored.size() > Stub.MAX_BYTES) {
      return new Resolved(Outcome.CONTENT, stored);
    }
    Optional<String> url = Stub.pullUrl(stored.read(0, Stub.HEAD_BYTES));
    stored.channel().position(0); // readers that use the channel as it comes start at the first byte
    Optional<SqliteInbox.Received> r = url.flatMap(index::byUrl);
    if (r.isEmpty() || !r.get().recipients().contains(user.toLowerCase(Locale.ROOT))) {
      return new Resolved(Outcome.CONTENT, stored); // not a stub, or one not addressed to this user
    }
    Path full = cached(r.get());
    if (!Files.exists(full)) {
      if (UNATTENDED.isBound() && UNATTENDED.get()) {
        stored.close();
        return new Resolved(Outcome.NOT_NOW, null);
      }
      if (!pull(r.get())) {
        return new Resolved(Outcome.CONTENT, stored); // the stub, which says the sender was not reachable
      }
    }
    stored.close();
    FileChannel ch = FileChannel.open(full, StandardOpenOption.READ);
    return new Resolved(Outcome.CONTENT, new MessageContent(ch, ch.size()));
  }

  private Path cached(SqliteInbox.Received r) {
    return dir.resolve(r.sha256() + ".eml");
  }

  /** Pulls the full message of a notification once (concurrent readers wait for the one pull); true when here. */
  boolean pull(SqliteInbox.Received r) {
    synchronized (pulling.computeIfAbsent(r.url(), k -> new Object())) {
      try {
        Path full = cached(r);
        if (Files.exists(full)) {
          return true;
        }
        HttpsClient.Answer a = http.send("GET", URI.create(r.url()), null, null, r.size());
        if (a.status() != 200) {
          log.warn("im2000: pull of {} from {}: HTTP {}", r.id(), r.senderDomain(), a.status());
          return false;
        }
        String sha = HexFormat.of().formatHex(Signatures.sha256(a.body()));
        if (a.body().length != r.size() || !sha.equals(r.sha256())) {
          log.warn("im2000: pull of {} from {}: got {} bytes with SHA-256 {}, the notification said {} bytes, {}", r.id(),
              r.senderDomain(), a.body().length, sha, r.size(), r.sha256());
          return false;
        }
        Path tmp = dir.resolve(r.sha256() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
          java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(a.body());
          while (buf.hasRemaining()) {
            ch.write(buf);
          }
          ch.force(true);
        }
        Files.move(tmp, full, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
          d.force(true);
        } catch (IOException ignored) {
          // the rename is as durable as the file system makes it
        }
        index.state(r.url(), "pulled");
        log.info("im2000: pulled {} from {} ({} bytes)", r.id(), r.senderDomain(), r.size());
      } catch (IOException | RuntimeException e) {
        log.warn("im2000: pull of {} from {} failed: {}", r.id(), r.senderDomain(), e.toString());
        return false;
      } finally {
        pulling.remove(r.url());
      }
    }
    confirm(r);
    return true;
  }

  /** Tells the sender its message was fetched (signed by the recipients' domain); true when it took it. */
  boolean confirm(SqliteInbox.Received r) {
    String domain = r.recipients().getFirst().substring(r.recipients().getFirst().indexOf('@') + 1);
    Optional<SigningKey> key = key(domain);
    if (key.isEmpty()) {
      log.warn("im2000: cannot confirm {} to {}: {} has no DKIM key to sign with", r.id(), r.senderDomain(), domain);
      return false;
    }
    URI uri = URI.create(r.url() + "/done?domain=" + domain);
    try {
      HttpsClient.Answer a = http.send("POST", uri, Signatures.sign(key.get(), "POST", HttpsClient.target(uri), new byte[0]),
          new byte[0], 64 * 1024);
      if (a.status() / 100 == 2 || a.status() == 404) { // 404: already gone (confirmed before, or expired)
        index.state(r.url(), "confirmed");
        return true;
      }
      log.info("im2000: confirming {} to {}: HTTP {}", r.id(), r.senderDomain(), a.status());
    } catch (IOException e) {
      log.info("im2000: confirming {} to {}: {} (tried again at the next poll)", r.id(), r.senderDomain(), e.getMessage());
    }
    return false;
  }

  private Optional<SigningKey> key(String domain) {
    try {
      return DkimKeys.load(dataDir, domain).stream().findFirst();
    } catch (IOException e) {
      log.warn("im2000: DKIM keys of {}: {}", domain, e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * One round of the receiver's own work: every peer's feed read for each of our domains (notifications
   * we missed), confirmations that did not get through sent again, and with {@code eager} every stub pulled.
   *
   * @return how many new notifications the feeds brought
   */
  int poll(List<String> configuredPeers, boolean eager) {
    Set<String> peers = new LinkedHashSet<>(configuredPeers);
    peers.addAll(index.peers());
    int found = 0;
    List<String> ours;
    try {
      ours = directory.domains();
    } catch (DirectoryException e) {
      log.warn("im2000: cannot list our domains: {}", e.getMessage());
      ours = List.of();
    }
    for (String peer : peers) {
      Optional<Advertisement> adv = Advertisement.lookup(dns, peer);
      if (adv.isEmpty()) {
        continue;
      }
      for (String d : ours) {
        Optional<SigningKey> key = key(d);
        if (key.isPresent()) {
          found += feed(peer, adv.get(), d, key.get());
        }
      }
    }
    for (SqliteInbox.Received r : index.inState("pulled")) {
      confirm(r);
    }
    if (eager) {
      for (SqliteInbox.Received r : index.inState("stub")) {
        pull(r);
      }
    }
    return found;
  }

  private int feed(String peer, Advertisement adv, String domain, SigningKey key) {
    URI uri = adv.base().resolve("feed?domain=" + domain);
    int n = 0;
    try {
      HttpsClient.Answer a = http.send("GET", uri, Signatures.sign(key, "GET", HttpsClient.target(uri), new byte[0]), null,
          4L << 20);
      if (a.status() != 200) {
        log.info("im2000: feed of {} for {}: HTTP {}", peer, domain, a.status());
        return 0;
      }
      Object o = Json.parse(a.body());
      if (!(o instanceof Map<?, ?> m) || !(m.get("notifications") instanceof List<?> list)) {
        log.info("im2000: feed of {} for {}: not a feed", peer, domain);
        return 0;
      }
      for (Object e : list) {
        if (e instanceof Map<?, ?> entry && entry.get("notification") instanceof String b64
            && entry.get("signature") instanceof String sig) {
          Answer r = accept(Base64.getDecoder().decode(b64), sig, Im2000App.NOTIFY);
          if (r.status() == 202) {
            n++;
          } else if (r.status() != 200) {
            log.info("im2000: feed of {}: entry refused: {} {}", peer, r.status(), r.text());
          }
        }
      }
    } catch (IOException | RuntimeException | dev.postamt.jmap.json.JsonException e) {
      log.info("im2000: feed of {} for {}: {}", peer, domain, e.toString());
    }
    return n;
  }

  /** What we hold for a capability URL (tests, the doc's measurements). */
  Optional<SqliteInbox.Received> received(String url) {
    return index.byUrl(url);
  }

  @Override
  public void close() {
    index.close();
  }
}
