package dev.postamt.imap;

import dev.postamt.store.SqliteMailStore;
import dev.postamt.net.Listener;
import dev.postamt.net.TlsContext;
import dev.postamt.config.Config;
import dev.postamt.store.MailStore;
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
 * {@code @example.test}), password {@code secret}.
 */
final class ImapTestServer implements AutoCloseable {
  static final String PASSWORD = "secret";

  final Path dataDir;
  final MailStore store;
  final Listener plain;
  final Listener tls;
  final TlsContext tlsContext;

  private ImapTestServer(Path dir, boolean plaintextAuth, dev.postamt.directory.LoginCheck logins) throws Exception {
    this(dir, plaintextAuth, logins, SqliteMailStore::new);
  }

  private ImapTestServer(Path dir, boolean plaintextAuth, dev.postamt.directory.LoginCheck logins,
      java.util.function.Function<Path, MailStore> stores) throws Exception {
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
    ImapServer server = new ImapServer(store, logins != null ? logins : fake, settings);
    InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
    this.plain = Listener.open("imap", any, tlsContext, false, Duration.ofMinutes(1), 100, server);
    this.tls = Listener.open("imaps", any, tlsContext, true, Duration.ofMinutes(1), 100, server);
  }

  /** Plaintext LOGIN allowed (most tests). */
  static ImapTestServer start(Path dir) throws Exception {
    return new ImapTestServer(dir, true, null);
  }

  /** Plaintext LOGIN allowed, over a store of the test's making (given the data directory). */
  static ImapTestServer start(Path dir, java.util.function.Function<Path, MailStore> stores) throws Exception {
    return new ImapTestServer(dir, true, null, stores);
  }

  /** Production policy: LOGINDISABLED until STARTTLS. */
  static ImapTestServer startStrict(Path dir) throws Exception {
    return new ImapTestServer(dir, false, null);
  }

  /** Production policy, with logins checked by {@code logins} (a real directory) instead of the fake. */
  static ImapTestServer startStrict(Path dir, dev.postamt.directory.LoginCheck logins) throws Exception {
    return new ImapTestServer(dir, false, logins);
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

  /** A client already logged in as {@code user}. */
  ImapClient login(String user) throws IOException {
    ImapClient c = connect();
    c.greeting();
    c.run("L LOGIN " + user + " " + PASSWORD, "L OK *");
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
  public void close() {
    plain.close();
    tls.close();
    store.close();
  }
}
