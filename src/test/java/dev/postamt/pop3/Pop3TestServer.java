package dev.postamt.pop3;

import dev.postamt.store.SqliteMailStore;
import dev.postamt.net.AuthThrottle;
import dev.postamt.net.Listener;
import dev.postamt.net.TlsContext;
import dev.postamt.config.Config;
import dev.postamt.store.MailStore;
import dev.postamt.store.Maildir;
import dev.postamt.store.MailboxLayout;
import dev.postamt.testing.LoginDirectory;
import dev.postamt.testing.ServerFixture;
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
 * {@code bob} (with or without {@code @example.test}), password {@code secret}. Start one with
 * {@link #start}, or let JUnit start it afresh for each test ({@link ServerFixture}):
 *
 * <pre>{@code
 * @RegisterExtension final Pop3TestServer server = Pop3TestServer.create(Pop3TestServer::check);
 * }</pre>
 */
final class Pop3TestServer extends ServerFixture {
  static final String PASSWORD = "secret";
  private static final AtomicLong UNIQUE = new AtomicLong();

  private final Pop3Settings settings;
  private final AuthThrottle throttle;
  private final dev.postamt.directory.LoginCheck logins;
  /** Opens the real directory logins are checked against, in the server's directory; null: {@link #logins}. */
  private LoginDirectory loginDirectory;
  private dev.postamt.directory.Directory openedDirectory;
  /** Where sessions lock their maildrop: this process unless a test shares the locks with other "nodes". */
  private MaildropLocks locks = MaildropLocks.LOCAL;
  Path dataDir;
  MailStore store;
  Listener plain;
  Listener tls;

  private Pop3TestServer(Pop3Settings settings, AuthThrottle throttle, dev.postamt.directory.LoginCheck logins) {
    this.settings = settings;
    this.throttle = throttle;
    this.logins = logins;
  }

  @Override
  protected void startIn(Path dir) throws Exception {
    dataDir = dir.resolve("data");
    Files.createDirectories(dataDir);
    store = new SqliteMailStore(dataDir);
    TlsContext tlsContext = sharedTls();
    dev.postamt.directory.LoginCheck check = logins;
    if (loginDirectory != null) {
      openedDirectory = loginDirectory.open(dir);
      check = openedDirectory;
    }
    Pop3Server server = new Pop3Server(store, check, settings, throttle, locks);
    InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
    plain = Listener.open("pop3", any, tlsContext, false, Duration.ofMinutes(1), 100, server);
    tls = Listener.open("pop3s", any, tlsContext, true, Duration.ofMinutes(1), 100, server);
  }

  /**
   * Not started yet: production policy (authentication only after TLS) without the failure delay,
   * logins checked by {@code logins} ({@link #check} for the fake users, or a real directory).
   */
  static Pop3TestServer create(dev.postamt.directory.LoginCheck logins) {
    return new Pop3TestServer(settings(false, Duration.ofMinutes(10)), new AuthThrottle(1000, Duration.ofMinutes(15)), logins);
  }

  /** Like {@link #create(dev.postamt.directory.LoginCheck)}, against the directory {@code logins} opens. */
  static Pop3TestServer create(LoginDirectory logins) {
    Pop3TestServer s = create((dev.postamt.directory.LoginCheck) null);
    s.loginDirectory = logins;
    return s;
  }

  private Pop3TestServer startedIn(Path dir) throws Exception {
    startIn(dir);
    return this;
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
    return new Pop3TestServer(settings, throttle, Pop3TestServer::check).startedIn(dir);
  }

  /** Production policy, with maildrop locks taken in {@code locks} (as one node of several). */
  static Pop3TestServer start(Path dir, MaildropLocks locks) throws Exception {
    Pop3TestServer s = create(Pop3TestServer::check);
    s.locks = locks;
    return s.startedIn(dir);
  }

  /** Production policy, with logins checked by {@code logins} (a real directory) instead of the fake. */
  static Pop3TestServer start(Path dir, dev.postamt.directory.LoginCheck logins) throws Exception {
    return create(logins).startedIn(dir);
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

  /** Connected over POP3S, greeting read, logged in; closed with the server. */
  Pop3Client login(String user) throws Exception {
    Pop3Client c = closeAfter(Pop3Client.connectTls(tlsPort()));
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
  protected void stop() {
    if (plain != null) {
      plain.close();
      tls.close();
      store.close();
    }
    if (openedDirectory != null) {
      openedDirectory.close();
    }
  }
}
