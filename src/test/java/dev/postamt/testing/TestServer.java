package dev.postamt.testing;

import dev.postamt.directory.Directory;
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
 * {@code secret}).
 */
public final class TestServer implements AutoCloseable {
  public static final String PASSWORD = "secret";

  public final Path dir;
  public final Config config;
  public final Server server;

  private TestServer(Path dir, Config config, Server server) {
    this.dir = dir;
    this.config = config;
    this.server = server;
  }

  /**
   * @param extraToml appended to the config (may add [relay], [limits] …). DNS answers come from
   *     {@code zone.txt} in {@code dir}: write it before starting to give the test DNS data.
   */
  public static TestServer start(Path dir, String extraToml) throws Exception {
    Path data = dir.resolve("data");
    try (Directory d = Directory.open(data)) {
      d.addDomain("example.test");
      d.addUser("alice@example.test", PASSWORD.toCharArray());
      d.addUser("bob@example.test", PASSWORD.toCharArray());
    }
    Path zone = dir.resolve("zone.txt");
    if (!Files.exists(zone)) {
      Files.writeString(zone, "");
    }
    String toml =
        """
        hostname = "mx.example.test"
        data_dir = "data"
        [dns]
        zone_file = "zone.txt"
        [listen]
        smtp = "127.0.0.1:0"
        submission = "127.0.0.1:0"
        smtps = "127.0.0.1:0"
        lmtp = "127.0.0.1:0"
        imap = "127.0.0.1:0"
        imaps = "127.0.0.1:0"
        """
            + extraToml;
    Path cfg = dir.resolve("postamt.toml");
    Files.writeString(cfg, toml);
    Config c = Config.load(cfg, true);
    return new TestServer(dir, c, Server.start(c));
  }

  public static TestServer start(Path dir) throws Exception {
    return start(dir, "");
  }

  public int port(String service) {
    return server.address(service).orElseThrow().getPort();
  }

  public Path maildir(String user) {
    return MailboxLayout.maildir(config.dataDir(), user);
  }

  /** Message files in the user's Maildir new/ and cur/. */
  public List<Path> messages(String user) throws IOException {
    return messagesIn(maildir(user));
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
      for (Path p : messages(user)) {
        String m = Files.readString(p, java.nio.charset.StandardCharsets.UTF_8);
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

  @Override
  public void close() {
    server.close();
  }
}
