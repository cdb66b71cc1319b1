package dev.postamt.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.config.Database;
import dev.postamt.postgres.PgDatabase;
import dev.postamt.store.PgMailStore;
import dev.postamt.store.Quota;
import dev.postamt.testing.PgCluster;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two IMAP servers ("nodes") over one PostgreSQL index and one shared mail directory (a throwaway
 * cluster; skipped when PostgreSQL cannot start): a client in IDLE on node A hears of an APPEND made on
 * node B at once, not at IdleWatch's periodic look, and both nodes report the same UIDs and MODSEQs.
 */
class ImapTwoNodesTest {
  static final String MSG = "Subject: m\r\n\r\nbody\r\n";

  @TempDir Path dir;
  private PgDatabase poolA;
  private PgDatabase poolB;
  private ImapTestServer nodeA;
  private ImapTestServer nodeB;

  @AfterEach
  void stop() {
    for (AutoCloseable c : new AutoCloseable[] {nodeA, nodeB}) {
      if (c != null) {
        try {
          c.close();
        } catch (Exception e) {
          // the other still closes
        }
      }
    }
    if (poolA != null) {
      poolA.close();
      poolB.close();
    }
  }

  @Test
  void idleOnOneNodeWakesOnAnAppendMadeOnTheOther() throws Exception {
    Database.Postgres pg = PgCluster.get().freshDatabase().postgres().orElseThrow();
    poolA = PgDatabase.of(pg, 4);
    poolB = PgDatabase.of(new Database.Postgres(pg.host(), pg.port(), pg.database(), pg.user(), pg.password(),
        "ApplicationName=nodeB"), 4);
    nodeA = ImapTestServer.start(dir, data -> new PgMailStore(poolA, data, Quota.Policy.NONE, 0));
    nodeB = ImapTestServer.start(dir, data -> new PgMailStore(poolB, data, Quota.Policy.NONE, 0));

    ImapClient a = nodeA.login("alice");
    ImapClient b = nodeB.login("alice");
    a.run("s SELECT INBOX", "* 0 EXISTS", "s OK *");
    a.send("i IDLE");
    assertThat(a.line()).startsWith("+ ");

    List<String> appended = b.run("ap APPEND INBOX {" + MSG.length() + "+}\r\n" + MSG, "ap OK [APPENDUID * *] *");
    long sent = System.nanoTime();
    String uid = appended.getLast().replaceAll(".*APPENDUID \\d+ (\\d+)].*", "$1");
    assertThat(a.line()).isEqualTo("* 1 EXISTS");
    long waitedMs = (System.nanoTime() - sent) / 1_000_000;
    assertThat(waitedMs).as("woken by node B's notification, not by the %s look", IdleWatch.PERIOD)
        .isLessThan(1_000);
    a.send("DONE");
    assertThat(a.until("i").getLast()).startsWith("i OK");

    b.run("t SELECT INBOX", "* 1 EXISTS", "t OK *");
    b.run("f UID STORE " + uid + " +FLAGS (\\Flagged)", "f OK *");
    // a session reports other sessions' changes when it next may (RFC 3501 §5.2); node B's arrive by notification
    long deadline = System.nanoTime() + 1_000_000_000L;
    boolean told = false;
    while (!told && System.nanoTime() < deadline) {
      told = a.run("n NOOP", "n OK *").stream().anyMatch(l -> l.startsWith("* 1 FETCH") && l.contains("\\Flagged"));
    }
    assertThat(told).as("node A reports node B's STORE within a second").isTrue();
    String onA = fetched(a, uid);
    String onB = fetched(b, uid);
    assertThat(onA).contains("\\Flagged");
    assertThat(modseq(onA)).as("one MODSEQ for both nodes").isEqualTo(modseq(onB)).isNotEmpty();
  }

  /**
   * On one node over PostgreSQL a session answers its commands from the mailbox its account last knew
   * (no read of the index per command): every change another session of the node makes is still
   * reported at the very next command, with the right MODSEQ (CONDSTORE) and as VANISHED (QRESYNC).
   */
  @Test
  void sessionsOfOneNodeSeeEachOthersChangesAtTheNextCommand() throws Exception {
    Database.Postgres pg = PgCluster.get().freshDatabase().postgres().orElseThrow();
    poolA = PgDatabase.of(pg, 4);
    poolB = PgDatabase.of(pg, 1); // unused: stop() closes both
    nodeA = ImapTestServer.start(dir, data -> new PgMailStore(poolA, data, Quota.Policy.NONE, 0));

    ImapClient one = nodeA.login("alice");
    ImapClient two = nodeA.login("alice");
    one.run("e ENABLE QRESYNC", "e OK *");
    one.run("s SELECT INBOX", "* 0 EXISTS", "s OK *");
    two.run("s SELECT INBOX", "* 0 EXISTS", "s OK *");
    for (int i = 1; i <= 3; i++) {
      List<String> appended = two.run("a" + i + " APPEND INBOX {" + MSG.length() + "+}\r\n" + MSG, "a" + i + " OK *");
      assertThat(appended.getLast()).contains("APPENDUID");
      one.run("n" + i + " NOOP", "* " + i + " EXISTS", "n" + i + " OK *");
    }
    one.run("f1 FETCH 1:3 (FLAGS)", "* 1 FETCH *", "* 2 FETCH *", "* 3 FETCH *", "f1 OK *");
    two.run("t STORE 2 +FLAGS (\\Flagged)", "* 2 FETCH (FLAGS (\\Flagged*))", "t OK *");
    String stored = two.run("m FETCH 2 (MODSEQ)", "* 2 FETCH (MODSEQ (*))", "m OK *").stream()
        .filter(l -> l.startsWith("* 2 FETCH")).findFirst().orElseThrow()
        .replaceAll(".*MODSEQ \\((\\d+)\\).*", "$1");
    List<String> told = one.run("n4 NOOP", "* 2 FETCH *", "n4 OK *");
    assertThat(told.getFirst()).contains("\\Flagged").contains("MODSEQ (" + stored + ")");
    two.run("d STORE 1 +FLAGS.SILENT (\\Deleted)", "d OK *");
    two.run("x EXPUNGE", "* 1 EXPUNGE", "x OK *");
    one.run("n5 NOOP", "* VANISHED 1", "n5 OK *");
    one.run("f2 FETCH 1:* (UID)", "* 1 FETCH (UID 2)", "* 2 FETCH (UID 3)", "f2 OK *");
    one.run("c CLOSE", "c OK *");
  }

  private static String fetched(ImapClient c, String uid) throws java.io.IOException {
    return c.run("g UID FETCH " + uid + " (FLAGS MODSEQ)", "g OK *").stream()
        .filter(l -> l.startsWith("* 1 FETCH") && l.contains("UID " + uid)).reduce((x, y) -> y).orElseThrow();
  }

  private static String modseq(String fetch) {
    return fetch.replaceAll(".*MODSEQ \\((\\d+)\\).*", "$1");
  }
}
