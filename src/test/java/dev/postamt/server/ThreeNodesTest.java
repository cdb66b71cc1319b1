package dev.postamt.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.config.Database;
import dev.postamt.directory.Directory;
import dev.postamt.imap.ImapClient;
import dev.postamt.pop3.Pop3Client;
import dev.postamt.postgres.PgDatabase;
import dev.postamt.store.UserHome;
import dev.postamt.testing.PgCluster;
import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 24's picture, whole servers: three Postamt nodes, each with its own data directory (queue, locks),
 * sharing one PostgreSQL database ({@code [database] url}) and one mail directory ({@code [store] mail_dir}).
 * Any node accepts mail for any user and serves any user; IMAP IDLE on one node hears of a delivery made by
 * another within a second; concurrent deliveries through all three get distinct ascending UIDs and none is
 * lost; a POP3 maildrop is locked across nodes; a user added through one node logs in on another at once.
 * Skipped, saying so, when PostgreSQL cannot start here.
 */
class ThreeNodesTest {
  @TempDir Path dir;
  private final List<TestServer> nodes = new ArrayList<>();

  @AfterEach
  void stop() {
    for (TestServer n : nodes) {
      n.close();
    }
  }

  private TestServer node(String name, String url, Path shared) throws Exception {
    TestServer t = TestServer.start(dir.resolve(name), """
        pop3s = "127.0.0.1:0"
        [database]
        url = "%s"
        [store]
        mail_dir = "%s"
        """.formatted(url, shared));
    nodes.add(t);
    return t;
  }

  @Test
  void threeNodesServeOneSetOfMailboxes() throws Exception {
    PgCluster pg = PgCluster.get();
    Database db = pg.freshDatabase();
    String url = pg.url(db.postgres().orElseThrow().database());
    Path shared = Files.createDirectories(dir.resolve("shared-mail"));
    PgDatabase pool = PgDatabase.of(db);
    try (Directory d = Directory.open(pool)) {
      d.addDomain("example.test");
      d.addUser("alice@example.test", TestServer.PASSWORD.toCharArray());
      d.addUser("bob@example.test", TestServer.PASSWORD.toCharArray());
    }
    TestServer a = node("a", url, shared);
    TestServer b = node("b", url, shared);
    TestServer c = node("c", url, shared);
    Path inbox = UserHome.in(shared, "alice@example.test").resolve("Maildir");
    assertThat(a.config.dataDir()).isNotEqualTo(b.config.dataDir());

    // IDLE on A; a message in through B's SMTP, delivered by B into the shared directory
    ImapClient idle = a.imapLogin("alice@example.test");
    idle.run("s SELECT INBOX", "s OK *");
    idle.send("i IDLE");
    assertThat(idle.line()).startsWith("+ ");
    CompletableFuture<Long> heard = CompletableFuture.supplyAsync(() -> {
      try {
        String line = idle.line();
        assertThat(line).isEqualTo("* 1 EXISTS");
        return System.nanoTime();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, Executors.newVirtualThreadPerTaskExecutor());
    send(b, "alice@example.test", "first");
    long landed = awaitFile(inbox, 1);
    long heardAt = heard.get(20, TimeUnit.SECONDS);
    assertThat(Duration.ofNanos(heardAt - landed)).as("IDLE on node A after node B's delivery")
        .isLessThan(Duration.ofSeconds(1));
    idle.send("DONE");
    assertThat(idle.run("n NOOP", "n OK *")).isNotEmpty();

    // 30 messages at once through the three nodes: none lost, one UID each, ascending
    List<Future<?>> sent = new ArrayList<>();
    try (ExecutorService pool3 = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 30; i++) {
        TestServer via = List.of(a, b, c).get(i % 3);
        String subject = "burst-" + i;
        sent.add(pool3.submit(() -> {
          send(via, "alice@example.test", subject);
          return null;
        }));
      }
      for (Future<?> f : sent) {
        f.get(60, TimeUnit.SECONDS);
      }
    }
    awaitFile(inbox, 31);
    ImapClient onC = c.imapLogin("alice@example.test");
    List<Long> uids = awaitUids(onC, 31);
    assertThat(uids).hasSize(31).doesNotHaveDuplicates().isSorted();
    ImapClient onB = b.imapLogin("alice@example.test");
    assertThat(awaitUids(onB, 31)).as("every node sees the same UIDs").isEqualTo(uids);

    // POP3: one maildrop session across the nodes
    try (Pop3Client first = Pop3Client.connectTls(a.port("pop3s"))) {
      first.expect("+OK *").login("bob@example.test", TestServer.PASSWORD);
      try (Pop3Client second = Pop3Client.connectTls(c.port("pop3s"))) {
        second.expect("+OK *").send("USER bob@example.test").expect("+OK *").send("PASS " + TestServer.PASSWORD)
            .expect("-ERR [IN-USE]*");
      }
    }

    // a user added through node A's administration logs in on node C at once
    new dev.postamt.admin.Admin(a.config).addUser("carol@example.test", TestServer.PASSWORD.toCharArray());
    c.imapLogin("carol@example.test").run("x SELECT INBOX", "x OK *");
  }

  private static void send(TestServer via, String to, String subject) throws Exception {
    try (SmtpScript s = SmtpScript.connect(via.port("smtp"))) {
      s.expect("220 *").send("EHLO client.example.net").expect("250 *");
      s.send("MAIL FROM:<sender@remote.example>").expect("250 *");
      s.send("RCPT TO:<" + to + ">").expect("250 *");
      s.send("DATA").expect("354 *");
      s.raw("From: sender@remote.example\r\nTo: " + to + "\r\nSubject: " + subject + "\r\n\r\nbody\r\n.\r\n").expect("250 *");
      s.send("QUIT");
    }
  }

  /** When the Maildir first held {@code n} messages (bounded wait). */
  private static long awaitFile(Path maildir, int n) throws Exception {
    Instant end = Instant.now().plusSeconds(30);
    while (TestServer.messagesIn(maildir).size() < n) {
      assertThat(Instant.now()).as("%d messages in %s", n, maildir).isBefore(end);
      Thread.sleep(5);
    }
    return System.nanoTime();
  }

  /** The UIDs of INBOX once it holds {@code n} messages (a fresh SELECT each look). */
  private static List<Long> awaitUids(ImapClient c, int n) throws Exception {
    Instant end = Instant.now().plusSeconds(30);
    while (true) {
      c.run("s SELECT INBOX", "s OK *");
      List<Long> uids = c.run("f UID FETCH 1:* (UID)", "f OK *").stream()
          .filter(l -> l.startsWith("* ") && l.contains("FETCH"))
          .map(l -> Long.parseLong(l.replaceAll(".*UID (\\d+).*", "$1"))).toList();
      if (uids.size() >= n || Instant.now().isAfter(end)) {
        return uids;
      }
      Thread.sleep(50);
    }
  }
}
