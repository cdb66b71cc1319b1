package dev.postamt.pop3;

import dev.postamt.store.SqliteMailStore;
import dev.postamt.net.AuthThrottle;
import dev.postamt.net.Listener;
import dev.postamt.net.TlsContext;
import dev.postamt.config.Config;
import dev.postamt.store.MailStore;
import dev.postamt.store.Maildir;
import dev.postamt.store.MailboxLayout;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A POP3 service on 127.0.0.1 port 0 over the real {@code net.Listener} (plain with STLS, and implicit
 * TLS), with a mail store in a temp directory and a fake password check: users {@code alice} and
 * {@code bob} (with or without {@code @example.test}), password {@code secret}.
 */
final class Pop3TestServer implements AutoCloseable {
  static final String PASSWORD = "secret";
  private static final AtomicLong UNIQUE = new AtomicLong();

  final Path dataDir;
  final MailStore store;
  final Listener plain;
  final Listener tls;

  private Pop3TestServer(Path dir, Pop3Settings settings, AuthThrottle throttle, dev.postamt.directory.LoginCheck logins)
      throws Exception {
    dataDir = dir.resolve("data");
    Files.createDirectories(dataDir);
    store = new SqliteMailStore(dataDir);
    TlsContext tlsContext = sharedTls();
    Pop3Server server = new Pop3Server(store, logins, settings, throttle);
    InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
    plain = Listener.open("pop3", any, tlsContext, false, Duration.ofMinutes(1), 100, server);
    tls = Listener.open("pop3s", any, tlsContext, true, Duration.ofMinutes(1), 100, server);
  }

  private static TlsContext sharedTls;

  /** One self-signed certificate for all tests of this JVM: RSA key generation is slow on a busy box. */
  static synchronized TlsContext sharedTls() throws Exception {
    if (sharedTls == null) {
      Path d = Files.createTempDirectory("pop3-tls");
      Path cfg = d.resolve("postamt.toml");
      Files.writeString(cfg, "hostname = \"pop.example.test\"\ndata_dir = \"data\"\n");
      sharedTls = TlsContext.fromConfig(Config.load(cfg, true));
      try (var walk = Files.walk(d)) {
        for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p); // the context holds the key in memory now
        }
      }
    }
    return sharedTls;
  }

  static Optional<String> check(String user, char[] password) {
    String u = user.toLowerCase();
    String local = u.contains("@") ? u.substring(0, u.indexOf('@')) : u;
    boolean known = (local.equals("alice") || local.equals("bob")) && (!u.contains("@") || u.endsWith("@example.test"));
    return known && new String(password).equals(PASSWORD) ? Optional.of(local + "@example.test") : Optional.empty();
  }

  /** Production policy (authentication only after TLS) without the failure delay. */
  static Pop3TestServer start(Path dir) throws Exception {
    return start(dir, settings(false, Duration.ofMinutes(10)));
  }

  static Pop3TestServer start(Path dir, Pop3Settings settings) throws Exception {
    return start(dir, settings, new AuthThrottle(1000, Duration.ofMinutes(15)));
  }

  static Pop3TestServer start(Path dir, Pop3Settings settings, AuthThrottle throttle) throws Exception {
    return new Pop3TestServer(dir, settings, throttle, Pop3TestServer::check);
  }

  /** Production policy, with logins checked by {@code logins} (a real directory) instead of the fake. */
  static Pop3TestServer start(Path dir, dev.postamt.directory.LoginCheck logins) throws Exception {
    return new Pop3TestServer(dir, settings(false, Duration.ofMinutes(10)), new AuthThrottle(1000, Duration.ofMinutes(15)), logins);
  }

  static Pop3Settings settings(boolean plaintextAuth, Duration idle) {
    return new Pop3Settings("pop.example.test", 8192, idle, 5, 3, Duration.ZERO, plaintextAuth);
  }

  int port() {
    return plain.localAddress().getPort();
  }

  int tlsPort() {
    return tls.localAddress().getPort();
  }

  /** Connected over POP3S, greeting read, logged in. */
  Pop3Client login(String user) throws Exception {
    Pop3Client c = Pop3Client.connectTls(tlsPort());
    c.expect("+OK*");
    return c.login(user, PASSWORD);
  }

  /** Puts a message into the user's INBOX new/ as local delivery does, then tells the store. */
  Path deliver(String user, String message) throws IOException {
    return deliver(user, message.getBytes(StandardCharsets.UTF_8));
  }

  Path deliver(String user, byte[] bytes) throws IOException {
    Path maildir = MailboxLayout.maildir(dataDir, user);
    String base = Maildir.baseName(System.currentTimeMillis() / 1000, "T" + UNIQUE.incrementAndGet() + "_" + System.nanoTime(),
        "test", bytes.length);
    Path p = Maildir.deliver(maildir, base, new byte[0], new ByteArrayInputStream(bytes));
    store.notifyDelivered(user);
    return p;
  }

  @Override
  public void close() {
    plain.close();
    tls.close();
    store.close();
  }
}
