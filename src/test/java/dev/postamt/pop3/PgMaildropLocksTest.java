package dev.postamt.pop3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postamt.config.Database;
import dev.postamt.postgres.PgDatabase;
import dev.postamt.testing.PgCluster;
import dev.postamt.testing.PgPools;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * POP3 maildrop locks shared through PostgreSQL: the contract on one node, and two nodes (each with its own
 * pool, connection and data directory) refusing each other's second session for a user.
 */
class PgMaildropLocksTest implements MaildropLocksContract {
  @TempDir Path dir;
  private final PgPools pools = new PgPools();
  private final List<AutoCloseable> opened = new ArrayList<>();

  @Override
  public MaildropLocks locks() {
    return opened(new PgMaildropLocks(pools.fresh()));
  }

  @Override
  public Path home(String user) {
    return dir.resolve("node").resolve(user);
  }

  private <T extends AutoCloseable> T opened(T t) {
    opened.add(t);
    return t;
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : opened.reversed()) {
      c.close();
    }
    pools.close();
  }

  /** Two nodes' pools on one fresh database (a distinct URL makes a distinct pool, as in two processes). */
  private PgDatabase[] twoPools() {
    Database.Postgres pg = PgCluster.get().freshDatabase().postgres().orElseThrow();
    PgDatabase a = PgDatabase.of(pg, 2);
    PgDatabase b = PgDatabase.of(new Database.Postgres(pg.host(), pg.port(), pg.database(), pg.user(), pg.password(),
        "ApplicationName=nodeB"), 2);
    opened.add(a::close);
    opened.add(b::close);
    return new PgDatabase[] {a, b};
  }

  @Test
  void aSecondNodeIsRefusedUntilTheFirstReleasesOrGoesAway() throws Exception {
    PgDatabase[] pg = twoPools();
    PgMaildropLocks nodeA = opened(new PgMaildropLocks(pg[0]));
    PgMaildropLocks nodeB = opened(new PgMaildropLocks(pg[1]));
    // each node its own data directory: only the shared lock can refuse
    Path homeA = dir.resolve("a/alice");
    Path homeB = dir.resolve("b/alice");
    Optional<MaildropLocks.Held> onA = nodeA.tryLock("alice@example.test", homeA);
    assertThat(onA).isPresent();
    assertThat(nodeB.tryLock("alice@example.test", homeB)).as("alice on node B while on A").isEmpty();
    assertThat(MaildropLock.isLocked(homeB)).as("B's own lock given back after the refusal").isFalse();
    Optional<MaildropLocks.Held> bobOnB = nodeB.tryLock("bob@example.test", dir.resolve("b/bob"));
    assertThat(bobOnB).as("another user on node B").isPresent();
    assertThat(nodeA.tryLock("bob@example.test", dir.resolve("a/bob"))).as("bob on node A while on B").isEmpty();

    onA.get().close();
    Optional<MaildropLocks.Held> onB = nodeB.tryLock("alice@example.test", homeB);
    assertThat(onB).as("alice on node B after A released").isPresent();
    onB.get().close();

    // node B going away (its process ends, its connection with it) frees bob for node A
    nodeB.close();
    Optional<MaildropLocks.Held> bobOnA = nodeA.tryLock("bob@example.test", dir.resolve("a/bob"));
    assertThat(bobOnA).isPresent();
    bobOnA.get().close();
  }

  @Test
  void aNodeWhoseConnectionBrokeTakesItsLocksAgain() throws Exception {
    PgDatabase[] pg = twoPools();
    PgMaildropLocks nodeA = opened(new PgMaildropLocks(pg[0]));
    PgMaildropLocks nodeB = opened(new PgMaildropLocks(pg[1]));
    Optional<MaildropLocks.Held> alice = nodeA.tryLock("alice@example.test", dir.resolve("a/alice"));
    assertThat(alice).isPresent();
    assertThat(terminateHolderOf(pg[1], PgMaildropLocks.key("alice@example.test"))).isEqualTo(1);
    // node A's next login finds its connection gone, makes a new one and takes alice's lock again
    Optional<MaildropLocks.Held> carol = nodeA.tryLock("carol@example.test", dir.resolve("a/carol"));
    assertThat(carol).isPresent();
    assertThat(nodeB.tryLock("alice@example.test", dir.resolve("b/alice"))).as("alice still held by node A").isEmpty();
    alice.get().close();
    carol.get().close();
    Optional<MaildropLocks.Held> onB = nodeB.tryLock("alice@example.test", dir.resolve("b/alice"));
    assertThat(onB).isPresent();
    onB.get().close();
  }

  @Test
  void aNodeThatCannotReachTheDatabaseRefusesTheLoginForNow() throws Exception {
    PgDatabase[] pg = twoPools();
    PgMaildropLocks nodeA = opened(new PgMaildropLocks(pg[0]));
    Optional<MaildropLocks.Held> alice = nodeA.tryLock("alice@example.test", dir.resolve("a/alice"));
    assertThat(alice).isPresent();
    long key = PgMaildropLocks.key("alice@example.test");
    try (Connection admin = java.sql.DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + PgCluster.get().port() + "/postgres", "postamt", "")) {
      String ours;
      try (Connection c = pg[1].connection(); java.sql.Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT current_database()")) {
        rs.next();
        ours = rs.getString(1);
      }
      admin.createStatement().execute("ALTER DATABASE " + ours + " ALLOW_CONNECTIONS false");
      try {
        terminateHolderOf(pg[1], key);
        Path bob = dir.resolve("a/bob");
        assertThatThrownBy(() -> nodeA.tryLock("bob@example.test", bob)).isInstanceOf(Pop3Exception.class)
            .extracting(e -> ((Pop3Exception) e).reply()).isEqualTo("-ERR [SYS/TEMP] Cannot lock the mailbox, try again later");
        assertThat(MaildropLock.isLocked(bob)).as("no half-taken lock left").isFalse();
      } finally {
        admin.createStatement().execute("ALTER DATABASE " + ours + " ALLOW_CONNECTIONS true");
      }
    }
    // reachable again: the next login works, and alice's lock is taken again with it
    Optional<MaildropLocks.Held> bob = nodeA.tryLock("bob@example.test", dir.resolve("a/bob"));
    assertThat(bob).isPresent();
    assertThat(count(pg[1], "SELECT count(*)" + HOLDERS, key)).as("alice's lock held again").isEqualTo(1);
    bob.get().close();
    alice.get().close();
    assertThat(count(pg[1], "SELECT count(*)" + HOLDERS, key)).isZero();
  }

  private static final String HOLDERS = " FROM pg_locks WHERE locktype = 'advisory' AND granted"
      + " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
      + " AND ((classid::bigint << 32) | objid::bigint) = ?";

  /**
   * Ends the database session holding advisory lock {@code key}, as a network failure would, and waits until
   * it is gone (termination is asynchronous); how many sessions it ended.
   */
  private static int terminateHolderOf(PgDatabase db, long key) throws Exception {
    int ended = count(db, "SELECT count(pg_terminate_backend(pid))" + HOLDERS, key);
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (count(db, "SELECT count(*)" + HOLDERS, key) > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(count(db, "SELECT count(*)" + HOLDERS, key)).as("lock holder ended").isZero();
    return ended;
  }

  private static int count(PgDatabase db, String sql, long key) throws Exception {
    try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  @Test
  void theConfigChoosesTheLocksAndAProcessKeepsOneConnectionForThem() throws Exception {
    Database target = PgCluster.get().freshDatabase();
    String url = PgCluster.get().url(target.postgres().orElseThrow().database());
    Path plain = dir.resolve("plain.toml");
    java.nio.file.Files.writeString(plain, "hostname = \"pop.example.test\"\ndata_dir = \"data\"\n");
    Path shared = dir.resolve("shared.toml");
    java.nio.file.Files.writeString(shared, "hostname = \"pop.example.test\"\ndata_dir = \"data\"\n[database]\nurl = \"" + url + "\"\n");
    assertThat(MaildropLocks.of(dev.postamt.config.Config.load(plain, true))).isSameAs(MaildropLocks.LOCAL);
    dev.postamt.config.Config config = dev.postamt.config.Config.load(shared, true);
    MaildropLocks locks = MaildropLocks.of(config);
    opened.add(PgDatabase.of(config.database())::close);
    opened.add((PgMaildropLocks) locks);
    assertThat(locks).isInstanceOf(PgMaildropLocks.class);
    assertThat(MaildropLocks.of(config)).as("the same after a reload").isSameAs(locks);
  }

  @Test
  void aSecondNodesPop3LoginGetsInUse() throws Exception {
    PgDatabase[] pg = twoPools();
    try (Pop3TestServer a = Pop3TestServer.start(dir.resolve("a"), opened(new PgMaildropLocks(pg[0])));
        Pop3TestServer b = Pop3TestServer.start(dir.resolve("b"), opened(new PgMaildropLocks(pg[1])))) {
      try (Pop3Client first = a.login("alice"); Pop3Client second = Pop3Client.connectTls(b.tlsPort())) {
        second.expect("+OK*");
        second.send("USER alice").expect("+OK*");
        second.send("PASS secret").expect("-ERR [IN-USE] Mailbox is locked by another POP3 session");
        try (Pop3Client bob = b.login("bob")) {
          bob.send("QUIT").expect("+OK*");
        }
        first.send("QUIT").expect("+OK*");
        assertThat(first.closedByServer()).isTrue();
        second.send("AUTH PLAIN " + Pop3AuthTest.plain("", "alice", "secret")).expect("+OK Logged in*");
        second.send("QUIT").expect("+OK*");
      }
    }
  }
}
