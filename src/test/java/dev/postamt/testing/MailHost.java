package dev.postamt.testing;

import dev.postamt.cli.Main;
import dev.postamt.directory.Directory;
import dev.postamt.config.Config;
import dev.postamt.server.Server;
import dev.postamt.store.MailboxLayout;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * One Postamt instance of a small mail network on loopback: its own address (127.0.x.y), the SMTP port
 * every instance of the network shares ({@code delivery.remote_port} points at it), a zone file shared by
 * all, short SMTP time-outs and a one-second retry. Instances can be stopped and started again on the
 * same data (a destination that is down).
 */
public final class MailHost implements AutoCloseable {
  public static final String PASSWORD = "secret";

  public final String ip;
  public final int port;
  public final String hostname;
  public final Path dir;
  public final Path configFile;
  private Server server;

  private MailHost(String ip, int port, String hostname, Path dir, Path configFile) {
    this.ip = ip;
    this.port = port;
    this.hostname = hostname;
    this.dir = dir;
    this.configFile = configFile;
  }

  /** A port free on every address; see {@link Ports#free}. */
  public static int freePort() throws IOException {
    return Ports.free();
  }

  /**
   * Creates (does not start) an instance.
   *
   * @param domain its local domain, with users {@code users} (password {@link #PASSWORD})
   * @param extraToml appended after the generated sections; may add keys to [queue], [relay],
   *     [delivery] only through the {@code queue}, {@code relay} and {@code delivery} arguments
   */
  public static MailHost create(
      Path root, String ip, int port, String hostname, String domain, List<String> users, Path zone, Sections s)
      throws Exception {
    Path dir = Files.createDirectories(root.resolve(hostname));
    try (Directory d = Directory.open(dir.resolve("data"))) {
      d.addDomain(domain);
      for (String u : users) {
        d.addUser(u + "@" + domain, PASSWORD.toCharArray());
      }
    }
    String toml =
        "hostname = \"" + hostname + "\"\n"
            + "data_dir = \"data\"\n"
            + s.top
            + "[listen]\nsmtp = \"" + ip + ":" + port + "\"\n"
            + "[delivery]\nremote_port = " + port + "\n"
            + "connect_timeout = \"2s\"\ncommand_timeout = \"5s\"\ndata_init_timeout = \"5s\"\n"
            + "data_block_timeout = \"5s\"\ndata_end_timeout = \"5s\"\n"
            + s.delivery
            + "[dns]\nzone_file = \"" + zone + "\"\n"
            + "[queue]\n" + (s.queue.contains("retry") ? "" : "retry = [\"1s\"]\n") + s.queue
            + "[relay]\n" + s.relay
            + s.bottom;
    Path cfg = dir.resolve("postamt.toml");
    Files.writeString(cfg, toml);
    return new MailHost(ip, port, hostname, dir, cfg);
  }

  /** Extra TOML lines per section (each line ending in a newline). */
  public record Sections(String top, String delivery, String queue, String relay, String bottom) {
    public static Sections none() {
      return new Sections("", "", "", "", "");
    }

    public Sections queue(String q) {
      return new Sections(top, delivery, q, relay, bottom);
    }

    public Sections relay(String r) {
      return new Sections(top, delivery, queue, r, bottom);
    }

    public Sections bottom(String b) {
      return new Sections(top, delivery, queue, relay, b);
    }
  }

  public MailHost start() throws Exception {
    server = Server.start(Config.load(configFile, true));
    return this;
  }

  public void stop() {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  public Server server() {
    return server;
  }

  public Config config() throws Exception {
    return Config.load(configFile, true);
  }

  public Path maildir(String user) {
    return MailboxLayout.maildir(dir.resolve("data"), user);
  }

  public List<Path> messages(String user) throws IOException {
    return TestServer.messagesIn(maildir(user));
  }

  /** Waits (bounded) until the user has {@code n} messages; returns their contents. */
  public List<String> awaitMessages(String user, int n) throws Exception {
    await(() -> {
      try {
        return messages(user).size() >= n;
      } catch (IOException e) {
        return false;
      }
    }, user + " to have " + n + " message(s) at " + hostname);
    // the search indexer may open the account and move new/ to cur/ between listing and reading: retry
    for (int attempt = 0; ; attempt++) {
      try {
        List<String> out = new ArrayList<>();
        for (Path p : messages(user)) {
          out.add(Files.readString(p));
        }
        return out;
      } catch (java.nio.file.NoSuchFileException moved) {
        if (attempt > 50) {
          throw moved;
        }
      }
    }
  }

  /** Waits until the queue is empty. */
  public void awaitEmptyQueue() throws Exception {
    await(() -> {
      try {
        return server.spool().ids().isEmpty();
      } catch (IOException e) {
        return false;
      }
    }, "the queue of " + hostname + " to be empty");
  }

  public static void await(BooleanSupplier cond, String what) throws InterruptedException {
    Instant end = Instant.now().plus(Duration.ofSeconds(30));
    while (!cond.getAsBoolean()) {
      if (Instant.now().isAfter(end)) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(25);
    }
  }

  /** Sends a message through this instance's SMTP port as a trusted local client. */
  public void send(String from, String to, String body) throws Exception {
    send(from, List.of(to), "", "Subject: test\r\n\r\n" + body + "\r\n");
  }

  /** @param rcptParams appended to every RCPT TO (e.g. " NOTIFY=SUCCESS") */
  public void send(String from, List<String> to, String rcptParams, String message) throws Exception {
    try (SmtpScript s = new SmtpScript(new java.net.Socket(ip, port))) {
      s.expect("220 *");
      s.send("EHLO client.test").expect("250 *");
      s.send("MAIL FROM:<" + from + ">").expect("250 *");
      for (String t : to) {
        s.send("RCPT TO:<" + t + ">" + rcptParams).expect("250 *");
      }
      s.send("DATA").expect("354 *");
      s.raw("From: <" + from + ">\r\nTo: <" + to.getFirst() + ">\r\n" + message + ".\r\n").expect("250 *");
      s.send("QUIT").expect("221 *");
    }
  }

  /** Result of a {@code postamt} command run against this instance's config. */
  public record Cli(int status, String out, String err) {}

  public Cli cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--config");
    all.add(configFile.toString());
    int status;
    try (PrintWriter o = new PrintWriter(out, true); PrintWriter e = new PrintWriter(err, true)) {
      status = Main.run(o, e, all.toArray(String[]::new));
    }
    return new Cli(status, out.toString(), err.toString());
  }

  @Override
  public void close() {
    stop();
  }
}
