package dev.postamt.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.config.Database;
import dev.postamt.directory.Directory;
import dev.postamt.imap.ImapClient;
import dev.postamt.postgres.PgDatabase;
import dev.postamt.store.UserHome;
import dev.postamt.testing.PgCluster;
import dev.postamt.testing.Ports;
import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 24's "a node killed with kill -9 in the middle of a delivery loses nothing acknowledged", on
 * PostgreSQL: node A runs as a process of its own (the built classes, as {@code KillNineDurabilityTest}
 * runs one on SQLite) on 127.0.0.2, node B in this JVM on 127.0.0.3, both on one PostgreSQL database and
 * one shared mail directory. Clients stream mail to alice through both; node A is killed with SIGKILL at a
 * random moment, twice, and restarted. Node B keeps accepting mail while A is dead. At the end every
 * message that got a {@code 250} is in alice's INBOX exactly once as the index reports it (IMAP on each
 * node: the Message-IDs, counted), and the Maildir holds one file per indexed message.
 * Skipped, saying so, when PostgreSQL cannot start here.
 */
class PgNodeKillNineTest {
  private static final Pattern MESSAGE_ID = Pattern.compile("(?i)Message-ID: <(m-\\d+-\\d+)@kill9\\.test>");
  @TempDir Path dir;
  private TestServer nodeB;
  private Process nodeA;

  @AfterEach
  void stop() throws InterruptedException {
    if (nodeA != null) {
      nodeA.destroyForcibly();
      nodeA.waitFor();
    }
    if (nodeB != null) {
      nodeB.close();
    }
  }

  @Test
  @Timeout(300) // three starts of node A and two rounds of load on a busy machine; every wait below is bounded
  void acknowledgedMailSurvivesKillNineOfAPostgresNodeExactlyOnce() throws Exception {
    PgCluster pg = PgCluster.get();
    Database db = pg.freshDatabase();
    String url = pg.url(db.postgres().orElseThrow().database());
    Path shared = Files.createDirectories(dir.resolve("shared-mail"));
    PgDatabase pool = PgDatabase.of(db);
    try (Directory d = Directory.open(pool)) {
      d.addDomain("example.test");
      d.addUser("alice@example.test", TestServer.PASSWORD.toCharArray());
    } finally {
      pool.close();
    }
    String common = """
        [database]
        url = "%s"
        [store]
        mail_dir = "%s"
        """.formatted(url, shared);
    // node B first: it creates the schema, so node A's starts are quick (a URL of its own: a pool of its own)
    nodeB = TestServer.create().at("127.0.0.3").toml(common.replace(url, url + "?ApplicationName=nodeB"))
        .startedIn(Files.createDirectories(dir.resolve("b")));
    Path homeA = Files.createDirectories(dir.resolve("a"));
    int smtpA = Ports.free();
    int imapA = Ports.free();
    Files.writeString(homeA.resolve("zone.txt"), "");
    Path cfgA = homeA.resolve("postamt.toml");
    Files.writeString(cfgA, """
        hostname = "a.example.test"
        data_dir = "data"
        [dns]
        zone_file = "zone.txt"
        [listen]
        smtp = "127.0.0.2:%d"
        imap = "127.0.0.2:%d"
        """.formatted(smtpA, imapA) + common);

    Set<String> acked = ConcurrentHashMap.newKeySet();
    Set<String> ackedByB = ConcurrentHashMap.newKeySet();
    Random random = new Random(24);
    for (int round = 0; round < 2; round++) {
      nodeA = startNode(cfgA, homeA);
      awaitPort("127.0.0.2", smtpA);
      AtomicBoolean stop = new AtomicBoolean();
      List<Thread> clients = new ArrayList<>();
      for (int c = 0; c < 3; c++) {
        int client = round * 10 + c;
        clients.add(Thread.ofVirtual().start(() -> sendUntilStopped("127.0.0.2", smtpA, client, acked, stop)));
      }
      int viaB = round * 10 + 9;
      clients.add(Thread.ofVirtual().start(() -> sendUntilStopped(nodeB.host(), nodeB.port("smtp"), viaB, ackedByB, stop)));
      Instant until = Instant.now().plusSeconds(30);
      int target = acked.size() + 20 + random.nextInt(30);
      while (acked.size() < target && Instant.now().isBefore(until)) {
        Thread.sleep(5);
      }
      Thread.sleep(random.nextInt(30));
      nodeA.destroyForcibly(); // SIGKILL, in the middle of the stream
      nodeA.waitFor();
      int byBAtKill = ackedByB.size();
      Instant bDeadline = Instant.now().plusSeconds(20);
      while (ackedByB.size() < byBAtKill + 3 && Instant.now().isBefore(bDeadline)) {
        Thread.sleep(5);
      }
      assertThat(ackedByB.size()).as("node B accepts mail while node A is dead").isGreaterThanOrEqualTo(byBAtKill + 3);
      stop.set(true);
      for (Thread t : clients) {
        t.join();
      }
    }
    acked.addAll(ackedByB);
    assertThat(acked.size()).as("messages acknowledged").isGreaterThan(40);

    nodeA = startNode(cfgA, homeA); // delivers what its queue still held
    awaitPort("127.0.0.2", imapA);
    Map<String, Integer> onA;
    try (ImapClient c = new ImapClient("127.0.0.2", imapA)) {
      c.greeting();
      c.run("l LOGIN alice@example.test " + TestServer.PASSWORD, "l OK *");
      onA = awaitIndexed(c, acked);
    }
    Set<String> missing = new TreeSet<>(acked);
    missing.removeAll(onA.keySet());
    assertThat(missing).as("acknowledged but lost").isEmpty();
    assertThat(onA.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList())
        .as("delivered more than once").isEmpty();
    assertThat(awaitIndexed(nodeB.imapLogin("alice@example.test"), acked)).as("node B's view of the index").isEqualTo(onA);
    int indexed = onA.values().stream().mapToInt(Integer::intValue).sum();
    assertThat(TestServer.messagesIn(UserHome.in(shared, "alice@example.test").resolve("Maildir")))
        .as("one file per indexed message").hasSize(indexed);
  }

  private Process startNode(Path cfg, Path home) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.postamt.cli.Main", "serve",
            "--config", cfg.toString())
        .directory(home.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("server.log").toFile()))
        .start();
  }

  private static void awaitPort(String host, int port) throws Exception {
    Instant end = Instant.now().plusSeconds(60);
    while (true) {
      try (Socket s = new Socket(host, port)) {
        return;
      } catch (IOException e) {
        if (Instant.now().isAfter(end)) {
          throw e;
        }
        Thread.sleep(20);
      }
    }
  }

  /** Sends messages on one connection after another until told to stop; a dead server means reconnect. */
  private static void sendUntilStopped(String host, int port, int client, Set<String> acked, AtomicBoolean stop) {
    int n = 0;
    while (!stop.get()) {
      try (SmtpScript s = new SmtpScript(new Socket(host, port))) {
        reply(s, "220");
        s.send("EHLO c" + client);
        reply(s, "250");
        while (!stop.get()) {
          String id = "m-" + client + "-" + n++;
          s.send("MAIL FROM:<s@outside.example>");
          reply(s, "250");
          s.send("RCPT TO:<alice@example.test>");
          reply(s, "250");
          s.send("DATA");
          reply(s, "354");
          s.raw("Message-ID: <" + id + "@kill9.test>\r\nSubject: " + id + "\r\n\r\n" + "body line\r\n".repeat(40)
              + "END " + id + "\r\n.\r\n");
          reply(s, "250");
          acked.add(id);
        }
      } catch (IOException | RuntimeException e) {
        // the server was killed (or answered 4xx): reconnect, or stop
        try {
          Thread.sleep(10);
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
  }

  private static void reply(SmtpScript s, String code) throws IOException {
    String last = s.read().getLast();
    if (!last.startsWith(code)) {
      throw new IOException("unexpected reply " + last);
    }
  }

  /**
   * Message-ID → how many messages of alice's INBOX carry it, as the index reports them through IMAP, once
   * every id in {@code expected} is there (or after 60 s: the caller's assertions then say what is missing);
   * {@code c} is logged in as alice.
   */
  private static Map<String, Integer> awaitIndexed(ImapClient c, Set<String> expected) throws Exception {
    Instant end = Instant.now().plusSeconds(60);
    while (true) {
      c.run("s SELECT INBOX", "s OK *");
      Map<String, Integer> seen = new HashMap<>();
      for (String l : c.run("f FETCH 1:* (UID BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])", "f OK *")) {
        Matcher m = MESSAGE_ID.matcher(l);
        if (l.startsWith("* ") && m.find()) {
          seen.merge(m.group(1), 1, Integer::sum);
        }
      }
      if (seen.keySet().containsAll(expected) || Instant.now().isAfter(end)) {
        return seen;
      }
      Thread.sleep(100);
    }
  }
}
