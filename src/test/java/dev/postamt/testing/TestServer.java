package dev.postamt.testing;

import dev.postamt.directory.Directory;
import dev.postamt.imap.ImapClient;
import dev.postamt.pop3.Pop3Client;
import dev.postamt.config.Config;
import dev.postamt.server.Server;
import dev.postamt.store.MailboxLayout;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A Postamt server on loopback with every listener on an ephemeral port and its data in a temp
 * directory; {@code example.test} is a local domain with users {@code alice} and {@code bob} (password
 * {@code secret}). Start one for a block with {@link #start(Path, String)}, or let JUnit start and stop
 * it for a test class (see {@link ServerFixture}):
 *
 * <pre>{@code
 * @RegisterExtension static final TestServer t = TestServer.create().listen("pop3s").user("carol");
 * }</pre>
 */
public final class TestServer extends ServerFixture {
  public static final String PASSWORD = "secret";

  /** The server's directory: {@code postamt.toml}, {@code zone.txt} and {@code data/}. */
  public Path dir;
  public Config config;
  public Server server;

  private final StringBuilder extraToml = new StringBuilder();
  private final List<String> extraListeners = new ArrayList<>();
  private final List<String> users = new ArrayList<>(List.of("alice", "bob"));
  private String zone = "";
  private String host = "127.0.0.1";
  private boolean awaitBackground = true;

  private TestServer() {}

  /** A server not started yet: configure it, then register it as an extension or {@link #startIn}. */
  public static TestServer create() {
    return new TestServer();
  }

  /**
   * @param extraToml appended to the config (may add [relay], [limits] …). DNS answers come from
   *     {@code zone.txt} in {@code dir}: write it before starting to give the test DNS data.
   */
  public static TestServer start(Path dir, String extraToml) throws Exception {
    TestServer t = create().toml(extraToml);
    t.startIn(dir);
    return t;
  }

  public static TestServer start(Path dir) throws Exception {
    return start(dir, "");
  }

  /**
   * As {@link #start(Path, String)}, but returns as soon as {@link Server#start} does, while the content
   * scan may still be building in the background (the others wait for it, so that a test timing its first
   * message does not time the start).
   */
  public static TestServer startAtOnce(Path dir, String extraToml) throws Exception {
    TestServer t = create().toml(extraToml);
    t.awaitBackground = false;
    t.startIn(dir);
    return t;
  }

  /**
   * Listens on {@code address} instead of 127.0.0.1 (another loopback address such as 127.0.0.2, so that
   * several servers in one test look like several hosts); the clients it hands out connect there.
   */
  public TestServer at(String address) {
    host = address;
    return this;
  }

  /** The loopback address every listener of this server binds. */
  public String host() {
    return host;
  }

  /** Starts this server in {@code dir} (which exists), for a test that runs several at once; returns it. */
  public TestServer startedIn(Path dir) throws Exception {
    startIn(dir);
    return this;
  }

  /** Appends {@code toml} to the config (right after the {@code [listen]} table). */
  public TestServer toml(String toml) {
    extraToml.append(toml);
    return this;
  }

  /** Also listens on these services ({@code pop3}, {@code pop3s}…) on ephemeral ports. */
  public TestServer listen(String... services) {
    extraListeners.addAll(List.of(services));
    return this;
  }

  /** Adds user {@code localPart@example.test} with {@link #PASSWORD}, besides alice and bob. */
  public TestServer user(String localPart) {
    users.add(localPart);
    return this;
  }

  /** The DNS data (zone-file lines) when {@code zone.txt} does not exist yet. */
  public TestServer zone(String zoneFile) {
    zone = zoneFile;
    return this;
  }

  @Override
  protected void startIn(Path dir) throws Exception {
    Path data = dir.resolve("data");
    try (Directory d = Directory.open(data)) {
      d.addDomain("example.test");
      for (String u : users) {
        d.addUser(u + "@example.test", PASSWORD.toCharArray());
      }
    }
    Path zoneFile = dir.resolve("zone.txt");
    if (!Files.exists(zoneFile)) {
      Files.writeString(zoneFile, zone);
    }
    StringBuilder toml = new StringBuilder(
        """
        hostname = "mx.example.test"
        data_dir = "data"
        [dns]
        zone_file = "zone.txt"
        [listen]
        smtp = "HOST:0"
        submission = "HOST:0"
        smtps = "HOST:0"
        lmtp = "HOST:0"
        imap = "HOST:0"
        imaps = "HOST:0"
        """.replace("HOST", host));
    for (String service : extraListeners) {
      toml.append(service).append(" = \"").append(host).append(":0\"\n");
    }
    toml.append(extraToml);
    Path cfg = dir.resolve("postamt.toml");
    Files.writeString(cfg, toml);
    Config c = Config.load(cfg, true);
    Server started = Server.start(c);
    if (awaitBackground) {
      started.awaitBackgroundStart(java.time.Duration.ofMinutes(2));
    }
    this.dir = dir;
    this.config = c;
    this.server = started;
  }

  @Override
  protected void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** Connected to {@code service} ({@code smtp}, {@code submission}, {@code lmtp}), the greeting read. */
  public SmtpScript smtp(String service) throws Exception {
    SmtpScript s = closeAfter(new SmtpScript(new java.net.Socket(host, port(service))));
    s.expect("220 *");
    return s;
  }

  /** An IMAP client on the plain port, greeting read, logged in as {@code user} with {@link #PASSWORD}. */
  public ImapClient imapLogin(String user) throws Exception {
    ImapClient c = closeAfter(new ImapClient(host, port("imap")));
    c.greeting();
    c.run("L LOGIN " + user + " " + PASSWORD, "L OK *");
    return c;
  }

  /** A POP3 client over implicit TLS ({@code pop3s} must listen), logged in as {@code user}. */
  public Pop3Client pop3Login(String user) throws Exception {
    Pop3Client c = closeAfter(Pop3Client.connectTls(host, port("pop3s")));
    c.expect("+OK *");
    return c.login(user, PASSWORD);
  }

  public int port(String service) {
    return server.address(service).orElseThrow().getPort();
  }

  public Path maildir(String user) {
    return MailboxLayout.maildir(config.dataDir(), user);
  }

  /**
   * Message files in the user's Maildir new/ and cur/, once the server has taken its deliveries into
   * the index (which moves them from new/ to cur/ after the reply): a file is not seen in both.
   */
  public List<Path> messages(String user) throws IOException {
    if (server != null) {
      server.awaitDeliveriesTakenIn();
    }
    return messagesIn(maildir(user));
  }

  /**
   * The contents of the user's messages ({@link #messages}), each read whole as ISO-8859-1 (byte for
   * character). The account's next open (the search indexer's sync, which holds its accounts quietly)
   * may move a file from new/ to cur/ between the listing and the read: then the list is read again.
   */
  public List<String> messageTexts(String user) throws IOException {
    return messageTexts(user, java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  private List<String> messageTexts(String user, java.nio.charset.Charset charset) throws IOException {
    for (int attempt = 1; ; attempt++) {
      List<String> out = new ArrayList<>();
      try {
        for (Path p : messages(user)) {
          out.add(Files.readString(p, charset));
        }
        return out;
      } catch (java.nio.file.NoSuchFileException movedToCur) {
        if (attempt == 20) {
          throw movedToCur;
        }
      }
    }
  }

  /** Message files in a Maildir's new/ and cur/, sorted by name. */
  public static List<Path> messagesIn(Path maildir) throws IOException {
    List<Path> out = new ArrayList<>();
    for (String sub : List.of("new", "cur")) {
      Path d = maildir.resolve(sub);
      if (!Files.isDirectory(d)) {
        continue;
      }
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(d)) {
        ds.forEach(out::add);
      }
    }
    out.sort(null);
    return out;
  }

  /** Waits (polling, bounded) until the user has {@code n} messages; returns them. */
  public List<Path> awaitMessages(String user, int n) throws Exception {
    Instant end = Instant.now().plus(Duration.ofSeconds(20));
    while (true) {
      List<Path> m = messages(user);
      if (m.size() >= n || Instant.now().isAfter(end)) {
        return m;
      }
      Thread.sleep(20);
    }
  }

  /** Waits (polling, bounded) for a message of the user that contains {@code text}; returns its content. */
  public String awaitMessageContaining(String user, String text) throws Exception {
    Instant end = Instant.now().plus(Duration.ofSeconds(20));
    while (true) {
      for (String m : messageTexts(user, java.nio.charset.StandardCharsets.UTF_8)) {
        if (m.contains(text)) {
          return m;
        }
      }
      if (Instant.now().isAfter(end)) {
        throw new AssertionError("no message containing \"" + text + "\" for " + user);
      }
      Thread.sleep(20);
    }
  }
}
