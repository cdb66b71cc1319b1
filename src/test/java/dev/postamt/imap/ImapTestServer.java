package dev.postamt.imap;

import dev.postamt.store.SqliteMailStore;
import dev.postamt.net.Listener;
import dev.postamt.net.TlsContext;
import dev.postamt.config.Config;
import dev.postamt.store.MailStore;
import dev.postamt.testing.LoginDirectory;
import dev.postamt.testing.ServerFixture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * An IMAP service on 127.0.0.1 port 0 over the real {@code net.Listener}, with a mail store in a temp
 * directory and a fake authenticator: users {@code alice} and {@code bob} (with or without
 * {@code @example.test}), password {@code secret}. Start one with {@link #start}, or let JUnit start
 * it afresh for each test ({@link ServerFixture}):
 *
 * <pre>{@code
 * @RegisterExtension final ImapTestServer server = ImapTestServer.create();
 * }</pre>
 */
final class ImapTestServer extends ServerFixture {
  static final String PASSWORD = "secret";

  private final boolean plaintextAuth;
  private final dev.postamt.directory.LoginCheck logins;
  /** Opens the real directory logins are checked against, in the server's directory; null: {@link #logins}. */
  private LoginDirectory loginDirectory;
  private dev.postamt.directory.Directory openedDirectory;
  Path dataDir;
  MailStore store;
  Listener plain;
  Listener tls;
  TlsContext tlsContext;

  /** Makes the store from the data directory; tests of store failures give their own. */
  private java.util.function.Function<Path, MailStore> stores = SqliteMailStore::new;

  private ImapTestServer(boolean plaintextAuth, dev.postamt.directory.LoginCheck logins) {
    this.plaintextAuth = plaintextAuth;
    this.logins = logins;
  }

  @Override
  protected void startIn(Path dir) throws Exception {
    this.dataDir = dir.resolve("data");
    Files.createDirectories(dataDir);
    this.store = stores.apply(dataDir);
    Path cfg = dir.resolve("postamt.toml");
    Files.writeString(cfg, "hostname = \"imap.example.test\"\ndata_dir = \"data\"\n");
    this.tlsContext = TlsContext.fromConfig(Config.load(cfg, true));
    dev.postamt.directory.LoginCheck fake = (user, pass) -> {
      String u = user.toLowerCase();
      String local = u.contains("@") ? u.substring(0, u.indexOf('@')) : u;
      boolean known = Map.of("alice", 1, "bob", 1).containsKey(local)
          && (!u.contains("@") || u.endsWith("@example.test"));
      return known && new String(pass).equals(PASSWORD) ? Optional.of(local + "@example.test") : Optional.empty();
    };
    ImapSettings settings = new ImapSettings("imap.example.test", 8192, 10 << 20, Duration.ofMinutes(30),
        Duration.ofMinutes(1), 10, plaintextAuth, false, Duration.ZERO, 3);
    dev.postamt.directory.LoginCheck check = logins != null ? logins : fake;
    if (loginDirectory != null) {
      openedDirectory = loginDirectory.open(dir);
      check = openedDirectory;
    }
    ImapServer server = new ImapServer(store, check, settings);
    InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
    this.plain = Listener.open("imap", any, tlsContext, false, Duration.ofMinutes(1), 100, server);
    this.tls = Listener.open("imaps", any, tlsContext, true, Duration.ofMinutes(1), 100, server);
  }

  /** Not started yet; plaintext LOGIN allowed (most tests). */
  static ImapTestServer create() {
    return new ImapTestServer(true, null);
  }

  /** Not started yet; production policy, logins checked against the directory {@code logins} opens. */
  static ImapTestServer createStrict(LoginDirectory logins) {
    ImapTestServer s = new ImapTestServer(false, null);
    s.loginDirectory = logins;
    return s;
  }

  /** Plaintext LOGIN allowed (most tests). */
  static ImapTestServer start(Path dir) throws Exception {
    ImapTestServer s = create();
    s.startIn(dir);
    return s;
  }

  /** Plaintext LOGIN allowed, over a store of the test's making (given the data directory). */
  static ImapTestServer start(Path dir, java.util.function.Function<Path, MailStore> stores) throws Exception {
    ImapTestServer s = create();
    s.stores = stores;
    s.startIn(dir);
    return s;
  }

  /** Production policy: LOGINDISABLED until STARTTLS. */
  static ImapTestServer startStrict(Path dir) throws Exception {
    return startStrict(dir, null);
  }

  /** Production policy, with logins checked by {@code logins} (a real directory) instead of the fake. */
  static ImapTestServer startStrict(Path dir, dev.postamt.directory.LoginCheck logins) throws Exception {
    ImapTestServer s = new ImapTestServer(false, logins);
    s.startIn(dir);
    return s;
  }

  int port() {
    return plain.localAddress().getPort();
  }

  int tlsPort() {
    return tls.localAddress().getPort();
  }

  ImapClient connect() throws IOException {
    return new ImapClient("127.0.0.1", port());
  }

  /** A client already logged in as {@code user}; closed with the server. */
  ImapClient login(String user) throws IOException {
    ImapClient c = closeAfter(connect());
    c.greeting();
    c.run("L LOGIN " + user + " " + PASSWORD, "L OK *");
    return c;
  }

  /** Like {@link #login}, with {@code n} copies of {@code message} appended to INBOX first. */
  ImapClient loginWithMessages(String user, int n, String message) throws IOException {
    ImapClient c = login(user);
    for (int i = 0; i < n; i++) {
      c.run("ap APPEND INBOX {" + message.length() + "+}\r\n" + message, "ap OK *");
    }
    return c;
  }

  /** Puts a message into the user's INBOX new/ as local delivery does, then notifies the store. */
  Path deliver(String user, String message) throws IOException {
    Path maildir = dev.postamt.store.MailboxLayout.maildir(dataDir, user);
    byte[] bytes = message.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    String base = dev.postamt.store.Maildir.baseName(System.currentTimeMillis() / 1000,
        "T" + System.nanoTime(), "test", bytes.length);
    Path p = dev.postamt.store.Maildir.deliver(maildir, base, new byte[0], new java.io.ByteArrayInputStream(bytes));
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
