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
import dev.postamt.web.HttpTestClient;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 24's picture, whole servers: three Postamt nodes on 127.0.0.2, 127.0.0.3 and 127.0.0.4 (every
 * listener of a node on its own address), each with its own data directory (queue, locks), sharing one
 * PostgreSQL database ({@code [database] url}) and one mail directory ({@code [store] mail_dir}). Any node
 * accepts mail for any user and serves any user; IMAP IDLE on node 3 hears of a delivery made by node 1
 * within a second; flags stored on node 2 show on node 1 with the same MODSEQ, and a QRESYNC SELECT on node
 * 1 (RFC 7162 §3.2.5) reports node 2's changes; concurrent deliveries and APPENDs through all three get
 * distinct ascending UIDs and none is lost; a POP3 maildrop is locked across nodes; a user added through
 * one node logs in on another at once. The nodes start once for the class (each test uses its own user).
 * Skipped, saying so, when PostgreSQL cannot start here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ThreeNodesTest {
  private static final Pattern MODSEQ = Pattern.compile("MODSEQ \\((\\d+)\\)");
  private static final Pattern UID = Pattern.compile("UID (\\d+)");

  @TempDir static Path dir;
  private final List<TestServer> nodes = new ArrayList<>();
  private Path shared;
  private String url;
  private TestServer n1;
  private TestServer n2;
  private TestServer n3;

  @BeforeAll
  void startThreeNodes() throws Exception {
    PgCluster pg = PgCluster.get();
    Database db = pg.freshDatabase();
    url = pg.url(db.postgres().orElseThrow().database());
    shared = Files.createDirectories(dir.resolve("shared-mail"));
    PgDatabase pool = PgDatabase.of(db);
    try (Directory d = Directory.open(pool)) {
      d.addDomain("example.test");
      for (String u : List.of("alice", "bob", "dave", "erin", "frank")) {
        d.addUser(u + "@example.test", TestServer.PASSWORD.toCharArray());
      }
    } finally {
      pool.close();
    }
    for (int i = 1; i <= 3; i++) {
      // PgDatabase keeps one pool per URL in a process: a URL of its own gives each node its own pool,
      // notification listener and lock connection, as three processes would have
      String toml = """
          [database]
          url = "%s?ApplicationName=node%d"
          [store]
          mail_dir = "%s"
          """.formatted(url, i, shared);
      Path home = Files.createDirectories(dir.resolve("node" + i));
      nodes.add(TestServer.create().at("127.0.0." + (i + 1)).listen("pop3s", "http").toml(toml).startedIn(home));
    }
    n1 = nodes.get(0);
    n2 = nodes.get(1);
    n3 = nodes.get(2);
  }

  @AfterAll
  void stopNodes() {
    nodes.forEach(TestServer::close);
  }

  @Test
  void eachNodeListensOnItsOwnAddressOnly() throws Exception {
    for (int i = 0; i < 3; i++) {
      TestServer n = nodes.get(i);
      InetAddress own = InetAddress.getByName("127.0.0." + (i + 2));
      for (String service : List.of("smtp", "submission", "imap", "imaps", "pop3s")) {
        assertThat(n.server.address(service).orElseThrow().getAddress()).as("%s of node %d", service, i + 1)
            .isEqualTo(own);
      }
    }
    assertThat(n1.config.dataDir()).isNotEqualTo(n2.config.dataDir()).isNotEqualTo(n3.config.dataDir());
    // and each its own connections to the database, as three processes would have
    Database.Postgres pg = Database.Postgres.parse(url);
    try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), "");
        PreparedStatement st = c.prepareStatement(
            "SELECT DISTINCT application_name FROM pg_stat_activity WHERE datname = current_database()")) {
      List<String> names = new ArrayList<>();
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          names.add(rs.getString(1));
        }
      }
      assertThat(names).contains("node1", "node2", "node3");
    }
  }

  @Test
  void smtpThroughEveryNodeWakesIdleElsewhereAndGetsDistinctUids() throws Exception {
    Path inbox = UserHome.in(shared, "alice@example.test").resolve("Maildir");

    // IDLE on node 3; a message in through node 1's SMTP, delivered by node 1 into the shared directory
    ImapClient idle = n3.imapLogin("alice@example.test");
    idle.run("s SELECT INBOX", "s OK *");
    idle.send("i IDLE");
    assertThat(idle.line()).startsWith("+ ");
    Duration late = heardAfterDelivery(() -> {
      try {
        String line = idle.line();
        assertThat(line).isEqualTo("* 1 EXISTS");
        return System.nanoTime();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, "alice@example.test", "first", inbox);
    assertThat(late).as("IDLE on node 3 after node 1's delivery").isLessThan(Duration.ofSeconds(1));
    idle.send("DONE");
    assertThat(idle.run("n NOOP", "n OK *")).isNotEmpty();

    // 30 messages at once through the three nodes: none lost, one UID each, ascending
    List<Future<?>> sent = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 30; i++) {
        TestServer via = nodes.get(i % 3);
        String subject = "burst-" + i;
        sent.add(pool.submit(() -> {
          send(via, "alice@example.test", subject);
          return null;
        }));
      }
      for (Future<?> f : sent) {
        f.get(60, TimeUnit.SECONDS);
      }
    }
    awaitFile(inbox, 31);
    Map<Long, Long> onN3 = awaitUidModseqs(n3.imapLogin("alice@example.test"), 31);
    assertThat(onN3).hasSize(31);
    assertThat(awaitUidModseqs(n2.imapLogin("alice@example.test"), 31)).as("node 2 sees node 3's UIDs and MODSEQs")
        .isEqualTo(onN3);
  }

  /** JMAP push (RFC 8620 §7.3, EventSource) on node 3 hears of a delivery made by node 1 within a second. */
  @Test
  void smtpThroughNodeOneIsPushedToJmapOnNodeThree() throws Exception {
    Path inbox = UserHome.in(shared, "frank@example.test").resolve("Maildir");
    HttpTestClient jmap = HttpTestClient.of(n3, "http", "frank@example.test");
    java.net.http.HttpResponse<java.util.stream.Stream<String>> r =
        jmap.getLines("/jmap/eventsource?types=*&closeafter=state&ping=0");
    assertThat(r.statusCode()).isEqualTo(200);
    java.util.Iterator<String> lines = r.body().iterator();
    assertThat(lines.next()).isEqualTo(": ready");
    Duration late = heardAfterDelivery(() -> {
      while (lines.hasNext()) {
        if (lines.next().equals("event: state")) {
          return System.nanoTime();
        }
      }
      throw new AssertionError("the event stream ended without a state event");
    }, "frank@example.test", "pushed", inbox);
    assertThat(late).as("JMAP push on node 3 after node 1's delivery").isLessThan(Duration.ofSeconds(1));
  }

  @Test
  void concurrentAppendsThroughThreeNodesNeverShareAUid() throws Exception {
    int perNode = 12;
    List<Future<List<Long>>> appended = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (TestServer n : nodes) {
        for (int session = 0; session < 2; session++) {
          ImapClient c = n.imapLogin("erin@example.test");
          String from = n.host() + "/" + session;
          appended.add(pool.submit(() -> {
            List<Long> uids = new ArrayList<>();
            for (int i = 0; i < perNode / 2; i++) {
              String msg = "Subject: from " + from + " #" + i + "\r\n\r\nbody\r\n";
              String ok = c.run("a APPEND INBOX {" + msg.length() + "+}\r\n" + msg, "a OK [APPENDUID * *] *").getLast();
              uids.add(Long.parseLong(ok.replaceAll(".*APPENDUID \\d+ (\\d+)].*", "$1")));
            }
            return uids;
          }));
        }
      }
    }
    List<Long> all = new ArrayList<>();
    for (Future<List<Long>> f : appended) {
      List<Long> one = f.get(60, TimeUnit.SECONDS);
      assertThat(one).as("one session's UIDs ascend").isSorted();
      all.addAll(one);
    }
    assertThat(all).hasSize(3 * perNode).doesNotHaveDuplicates();
    Map<Long, Long> seen = null;
    for (TestServer n : nodes) {
      Map<Long, Long> here = awaitUidModseqs(n.imapLogin("erin@example.test"), all.size());
      assertThat(here.keySet()).as("UIDs on %s", n.host()).containsExactlyInAnyOrderElementsOf(all);
      assertThat(new ArrayList<>(here.values())).as("MODSEQs on %s", n.host()).doesNotHaveDuplicates();
      if (seen != null) {
        assertThat(here).as("%s reports the same UIDs and MODSEQs", n.host()).isEqualTo(seen);
      }
      seen = here;
    }
  }

  /**
   * RFC 7162: a CONDSTORE session on node 1 hears of node 2's STORE with the MODSEQ node 2 gave it; a
   * later {@code SELECT INBOX (QRESYNC (uidvalidity modseq))} on node 1 reports what changed since then —
   * the message expunged on node 2 in {@code VANISHED (EARLIER)} (§3.2.5.2) and the flag change as a FETCH
   * with the new MODSEQ — and both nodes give the mailbox the same HIGHESTMODSEQ.
   */
  @Test
  void flagsStoredOnNode2ShowOnNode1WithTheSameModseq() throws Exception {
    ImapClient onN2 = n2.imapLogin("dave@example.test");
    for (int i = 0; i < 3; i++) {
      String msg = "Subject: q" + i + "\r\n\r\nbody\r\n";
      onN2.run("a APPEND INBOX {" + msg.length() + "+}\r\n" + msg, "a OK *");
    }
    ImapClient watcher = n1.imapLogin("dave@example.test");
    watcher.run("e ENABLE QRESYNC", "e OK *");
    List<String> selected = watcher.run("s SELECT INBOX", "* 3 EXISTS", "s OK *");
    long uidValidity = number(selected, "UIDVALIDITY (\\d+)");
    long before = number(selected, "HIGHESTMODSEQ (\\d+)");
    List<Long> uids = new ArrayList<>(awaitUidModseqs(watcher, 3).keySet());

    onN2.run("e ENABLE QRESYNC", "e OK *");
    onN2.run("s SELECT INBOX", "s OK *");
    List<String> stored = onN2.run("f UID STORE " + uids.get(1) + " (UNCHANGEDSINCE " + before + ") +FLAGS (\\Flagged)",
        "* 2 FETCH *", "f OK *");
    long flaggedAt = number(stored, "MODSEQ \\((\\d+)\\)");
    assertThat(flaggedAt).isGreaterThan(before);

    // the session on node 1 reports the change when it next may (RFC 3501 §5.2), with node 2's MODSEQ
    String told = null;
    Instant end = Instant.now().plusSeconds(1);
    while (told == null && Instant.now().isBefore(end)) {
      told = watcher.run("n NOOP", "n OK *").stream()
          .filter(l -> l.startsWith("* 2 FETCH") && l.contains("\\Flagged")).findFirst().orElse(null);
    }
    assertThat(told).as("node 1 reports node 2's STORE within a second").isNotNull();
    assertThat(number(List.of(told), "MODSEQ \\((\\d+)\\)")).as("MODSEQ on node 1").isEqualTo(flaggedAt);
    watcher.run("l LOGOUT", "l OK *");

    onN2.run("d UID STORE " + uids.get(0) + " +FLAGS.SILENT (\\Deleted)", "d OK *");
    onN2.run("x UID EXPUNGE " + uids.get(0), "* VANISHED " + uids.get(0), "x OK *");
    long highestOnN2 = number(onN2.run("t STATUS INBOX (HIGHESTMODSEQ)", "t OK *"), "HIGHESTMODSEQ (\\d+)");

    ImapClient resync = n1.imapLogin("dave@example.test");
    resync.run("e ENABLE QRESYNC", "e OK *");
    List<String> lines = resync.run("q SELECT INBOX (QRESYNC (" + uidValidity + " " + before + "))",
        "* 2 EXISTS", "q OK *");
    assertThat(lines).as("the expunge on node 2").contains("* VANISHED (EARLIER) " + uids.get(0));
    List<String> fetches = lines.stream().filter(l -> l.matches("\\* \\d+ FETCH .*")).toList();
    assertThat(fetches).as("only the message changed since %d", before).hasSize(1);
    assertThat(fetches.getFirst()).contains("UID " + uids.get(1)).contains("\\Flagged");
    assertThat(number(fetches, "MODSEQ \\((\\d+)\\)")).isEqualTo(flaggedAt);
    assertThat(number(lines, "HIGHESTMODSEQ (\\d+)")).as("HIGHESTMODSEQ on node 1 and node 2").isEqualTo(highestOnN2);
    assertThat(awaitUidModseqs(resync, 2)).isEqualTo(awaitUidModseqs(onN2, 2));
  }

  @Test
  void pop3MaildropIsLockedAcrossNodes() throws Exception {
    try (Pop3Client first = Pop3Client.connectTls(n1.host(), n1.port("pop3s"))) {
      first.expect("+OK *").login("bob@example.test", TestServer.PASSWORD);
      try (Pop3Client second = Pop3Client.connectTls(n3.host(), n3.port("pop3s"))) {
        second.expect("+OK *").send("USER bob@example.test").expect("+OK *").send("PASS " + TestServer.PASSWORD)
            .expect("-ERR [IN-USE]*");
      }
    }
  }

  @Test
  void userAddedThroughOneNodeLogsInOnAnother() throws Exception {
    new dev.postamt.admin.Admin(n1.config).addUser("carol@example.test", TestServer.PASSWORD.toCharArray());
    n3.imapLogin("carol@example.test").run("x SELECT INBOX", "x OK *");
  }

  /**
   * Starts {@code listener} (it returns {@link System#nanoTime} when it hears of the new message), sends a
   * message to {@code to} through node 1's SMTP and gives how long after the message's file landed in
   * {@code inbox} the listener heard of it.
   */
  private Duration heardAfterDelivery(java.util.function.Supplier<Long> listener, String to, String subject, Path inbox)
      throws Exception {
    CompletableFuture<Long> heard = CompletableFuture.supplyAsync(listener, Executors.newVirtualThreadPerTaskExecutor());
    send(n1, to, subject);
    long landed = awaitFile(inbox, 1);
    return Duration.ofNanos(heard.get(20, TimeUnit.SECONDS) - landed);
  }

  private static void send(TestServer via, String to, String subject) throws Exception {
    try (SmtpScript s = new SmtpScript(new Socket(via.host(), via.port("smtp")))) {
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

  /** UID → MODSEQ of INBOX once it holds {@code n} messages (a fresh SELECT each look; bounded wait). */
  private static Map<Long, Long> awaitUidModseqs(ImapClient c, int n) throws Exception {
    Instant end = Instant.now().plusSeconds(30);
    while (true) {
      c.run("s SELECT INBOX", "s OK *");
      Map<Long, Long> seen = new TreeMap<>();
      for (String l : c.run("f UID FETCH 1:* (MODSEQ)", "f OK *")) {
        if (l.startsWith("* ") && l.contains(" FETCH ")) {
          seen.put(number(List.of(l), UID.pattern()), number(List.of(l), MODSEQ.pattern()));
        }
      }
      if (seen.size() >= n || Instant.now().isAfter(end)) {
        return seen;
      }
      Thread.sleep(50);
    }
  }

  /** The number group 1 of {@code regex} captures in the first of {@code lines} that has it. */
  private static long number(List<String> lines, String regex) {
    Pattern p = Pattern.compile(regex);
    for (String l : lines) {
      Matcher m = p.matcher(l);
      if (m.find()) {
        return Long.parseLong(m.group(1));
      }
    }
    throw new AssertionError("no " + regex + " in " + lines);
  }
}
