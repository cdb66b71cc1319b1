package dev.postamt.directory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.config.Database;
import dev.postamt.postgres.PgDatabase;
import dev.postamt.testing.PgCluster;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The directory's lookup cache ({@link LookupCache}): repeated lookups are answered without a query,
 * entries expire after their TTL (the clock is the test's), and every change is seen — made through this
 * directory or another of the process at once, by another connection to the SQLite file (as the CLI's
 * process is) at the next negative answer and within a second for a positive one, and on PostgreSQL by
 * another node through its {@code NOTIFY}.
 */
class DirectoryCacheTest {
  private static final long SECOND = 1_000_000_000L;
  private final AtomicLong now = new AtomicLong(1_000 * SECOND);
  private final List<PgDatabase> pools = new ArrayList<>();

  @AfterEach
  void closePools() {
    pools.forEach(PgDatabase::close);
  }

  private Directory cached(Path data) throws DirectoryException {
    Directory d = Directory.open(data, now::get);
    d.cacheLookups();
    return d;
  }

  private static void fill(Directory d) throws DirectoryException {
    d.addDomain("b.test");
    d.addUser("alice@b.test", "pw".toCharArray());
    d.addAlias("info@b.test", List.of("alice@b.test"));
    d.addAlias("@b.test", List.of("alice@b.test"));
  }

  /** The lookups the router and the quota make for one message, with their answers. */
  private static List<Object> oneMessage(Directory d) throws DirectoryException {
    return List.of(d.isLocalDomain("B.test"), d.isLocalDomain("elsewhere.test"), d.masks().lookup("alice@b.test"),
        d.exactAliasTargets("info@b.test"), d.exactAliasTargets("alice@b.test"), d.userExists("Alice@b.test"),
        d.catchAllTargets("b.test"), d.quota("alice@b.test"));
  }

  @Test
  void repeatedLookupsAreAnsweredFromTheCache(@TempDir Path data) throws Exception {
    try (Directory d = cached(data)) {
      fill(d);
      long before = d.lookupCache().misses();
      List<Object> first = oneMessage(d);
      long misses = d.lookupCache().misses();
      assertThat(misses - before).as("the first message reads each").isEqualTo(8);
      for (int i = 0; i < 5; i++) {
        assertThat(oneMessage(d)).isEqualTo(first);
      }
      assertThat(d.lookupCache().misses()).as("no query after the first message").isEqualTo(misses);
      assertThat(d.lookupCache().hits()).isEqualTo(5 * 8);
      assertThat(first).containsExactly(true, false, java.util.Optional.empty(), List.of("alice@b.test"), List.of(), true,
          List.of("alice@b.test"), java.util.Optional.of(Directory.UserQuota.DEFAULT));
    }
  }

  @Test
  void withoutCacheLookupsEveryLookupReadsTheDatabase(@TempDir Path data) throws Exception {
    try (Directory d = Directory.open(data, now::get)) {
      fill(d);
      oneMessage(d);
      oneMessage(d);
      assertThat(d.lookupCache().hits()).isZero();
    }
  }

  @Test
  void positiveAnswersLiveSixtySecondsAndNegativeOnesTen(@TempDir Path data) throws Exception {
    try (Directory d = cached(data)) {
      fill(d);
      assertThat(d.userExists("alice@b.test")).isTrue();
      assertThat(d.userExists("bob@b.test")).isFalse();
      long misses = d.lookupCache().misses();

      now.addAndGet(9 * SECOND);
      d.userExists("alice@b.test");
      d.userExists("bob@b.test");
      assertThat(d.lookupCache().misses()).as("both still cached at 9 s").isEqualTo(misses);

      now.addAndGet(2 * SECOND);
      d.userExists("alice@b.test");
      d.userExists("bob@b.test");
      assertThat(d.lookupCache().misses()).as("the negative answer expired at 10 s").isEqualTo(misses + 1);

      now.addAndGet(50 * SECOND);
      d.userExists("alice@b.test");
      assertThat(d.lookupCache().misses()).as("the positive answer expired at 60 s").isEqualTo(misses + 2);
    }
  }

  @Test
  void aWriteThroughAnyDirectoryOfTheProcessIsSeenAtOnce(@TempDir Path data) throws Exception {
    try (Directory d = cached(data); Directory admin = Directory.open(data)) {
      fill(d);
      oneMessage(d);
      assertThat(d.userExists("bob@b.test")).isFalse();
      d.addUser("bob@b.test", "pw".toCharArray());
      assertThat(d.userExists("bob@b.test")).as("own write").isTrue();

      assertThat(d.exactAliasTargets("info@b.test")).containsExactly("alice@b.test");
      admin.addAlias("info@b.test", List.of("bob@b.test"));
      assertThat(d.exactAliasTargets("info@b.test")).as("another handle's write").containsExactly("alice@b.test", "bob@b.test");
      admin.removeAlias("@b.test");
      assertThat(d.catchAllTargets("b.test")).isEmpty();
      admin.setStorageQuota("alice@b.test", OptionalLong.of(1000));
      assertThat(d.quota("alice@b.test").orElseThrow().storageBytes()).hasValue(1000);

      Masks.Mask mask = admin.masks().create("alice@b.test", "shop");
      assertThat(d.masks().lookup(mask.address())).map(Masks.Mask::enabled).contains(true);
      admin.masks().setEnabled(mask.address(), false);
      assertThat(d.masks().lookup(mask.address())).map(Masks.Mask::enabled).contains(false);
      admin.removeUser("bob@b.test");
      assertThat(d.userExists("bob@b.test")).isFalse();
      admin.addDomain("new.test");
      assertThat(d.isLocalDomain("new.test")).isTrue();
    }
  }

  @Test
  void loginsDoNotInvalidateTheCache(@TempDir Path data) throws Exception {
    try (Directory d = cached(data)) {
      fill(d);
      d.addUserWithHash("carol@b.test", PasswordHash.hash("pw".toCharArray())); // no SCRAM keys yet
      oneMessage(d);
      long misses = d.lookupCache().misses();
      assertThat(d.authenticate("carol@b.test", "pw".toCharArray())).contains("carol@b.test"); // stores SCRAM keys
      assertThat(d.scramLogin("carol@b.test")).isPresent();
      oneMessage(d);
      assertThat(d.lookupCache().misses()).isEqualTo(misses);
    }
  }

  /** Another connection to the file is what the CLI's process is to the server's. */
  private static void sql(Path data, String sql, String... args) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve(Directory.FILE_NAME));
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setString(i + 1, args[i]);
      }
      ps.executeUpdate();
    }
  }

  @Test
  void anotherProcessesChangeToTheSqliteFileIsSeen(@TempDir Path data) throws Exception {
    try (Directory d = cached(data)) {
      fill(d);
      assertThat(d.userExists("dave@b.test")).isFalse();
      assertThat(d.exactAliasTargets("sales@b.test")).isEmpty();
      sql(data, "INSERT INTO users(address, domain, password) VALUES (?, 'b.test', 'x')", "dave@b.test");
      assertThat(d.userExists("dave@b.test")).as("a negative answer is checked against the file every time").isTrue();

      assertThat(d.userExists("alice@b.test")).isTrue();
      sql(data, "DELETE FROM aliases WHERE address = ?", "info@b.test");
      sql(data, "DELETE FROM users WHERE address = ?", "alice@b.test");
      now.addAndGet(LookupCache.RECHECK.toNanos());
      assertThat(d.userExists("alice@b.test")).as("a positive answer within a second").isFalse();
      assertThat(d.exactAliasTargets("info@b.test")).isEmpty();
    }
  }

  @Test
  void withinOneLookTheFileIsAskedOnceAndAfterItAgain(@TempDir Path data) throws Exception {
    try (Directory d = cached(data)) {
      fill(d);
      assertThat(d.userExists("dave@b.test")).isFalse();
      assertThat(d.userExists("erin@b.test")).isFalse();
      List<Boolean> inScope = Directory.oneLook(() -> {
        List<Boolean> answers = new ArrayList<>();
        answers.add(d.userExists("dave@b.test")); // the scope's one look at the file: nothing new yet
        sql(data, "INSERT INTO users(address, domain, password) VALUES (?, 'b.test', 'x')", "dave@b.test");
        sql(data, "INSERT INTO users(address, domain, password) VALUES (?, 'b.test', 'x')", "erin@b.test");
        answers.add(d.userExists("dave@b.test")); // relies on that look
        answers.add(d.userExists("erin@b.test"));
        answers.add(Directory.oneLook(() -> d.userExists("erin@b.test"))); // nested: a look of its own
        answers.add(d.userExists("erin@b.test")); // the outer scope again: its first look still stands
        return answers;
      });
      assertThat(inScope).as("the scope's answers as of its first look, the nested one's after its own")
          .containsExactly(false, false, false, true, true);
      assertThat(d.userExists("dave@b.test")).as("outside the scope: asked again").isTrue();
      assertThat(Directory.oneLook(() -> d.userExists("erin@b.test"))).as("a new scope asks again").isTrue();
    }
  }

  // ---- PostgreSQL: two nodes, a pool each ----

  private PgDatabase[] twoNodes() {
    Database.Postgres pg = PgCluster.get().freshDatabase().postgres().orElseThrow();
    PgDatabase a = PgDatabase.of(pg, 2);
    PgDatabase b = PgDatabase.of(new Database.Postgres(pg.host(), pg.port(), pg.database(), pg.user(), pg.password(),
        "ApplicationName=nodeB"), 2);
    pools.add(a);
    pools.add(b);
    return new PgDatabase[] {a, b};
  }

  /** Polls {@code lookup} until it answers {@code expected}, for at most five seconds. */
  private static void await(String what, LookupCache.Load<Object> lookup, Object expected) throws Exception {
    Instant end = Instant.now().plusSeconds(5);
    Object got;
    while (!(got = lookup.load()).equals(expected)) {
      assertThat(Instant.now()).as(what + ": still " + got).isBefore(end);
      Thread.sleep(5);
    }
  }

  /**
   * Turns node B's cache on, waits for its listener to connect (the connection's own invalidation is
   * the only change then), lets node A fill the directory with four writes and waits for B to have heard
   * all four: from then on nothing is on its way to B.
   */
  private static void fillOnAAndAwaitB(Directory a, Directory b) throws Exception {
    long before = b.lookupCache().generation();
    b.cacheLookups();
    await("node B's listener connected", () -> b.lookupCache().generation() > before, true);
    long listening = b.lookupCache().generation();
    fill(a);
    await("node A's four writes heard on node B", () -> b.lookupCache().generation() >= listening + 4, true);
    assertThat(b.catchAllTargets("b.test")).containsExactly("alice@b.test");
  }

  @Test
  void onPostgresqlAnotherNodesWriteArrivesThroughNotify() throws Exception {
    PgDatabase[] nodes = twoNodes();
    try (Directory a = Directory.open(nodes[0]); Directory b = Directory.open(nodes[1], now::get)) {
      fillOnAAndAwaitB(a, b);
      assertThat(b.userExists("bob@b.test")).isFalse();
      long misses = b.lookupCache().misses();
      assertThat(b.userExists("bob@b.test")).isFalse();
      assertThat(b.lookupCache().misses()).as("node B answers from its cache").isEqualTo(misses);

      a.addUser("bob@b.test", "pw".toCharArray());
      await("bob added on node A, seen on node B", () -> b.userExists("bob@b.test"), true);
      a.addAlias("info@b.test", List.of("bob@b.test"));
      await("alias grown on node A", () -> b.exactAliasTargets("info@b.test"), List.of("alice@b.test", "bob@b.test"));
      a.removeUser("bob@b.test");
      await("bob removed on node A", () -> b.userExists("bob@b.test"), false);

      b.addUser("carol@b.test", "pw".toCharArray());
      assertThat(b.userExists("carol@b.test")).as("node B's own write, at once").isTrue();
    }
  }

  @Test
  void onPostgresqlTheClockStillBoundsAnEntry() throws Exception {
    PgDatabase[] nodes = twoNodes();
    try (Directory a = Directory.open(nodes[0]); Directory b = Directory.open(nodes[1], now::get)) {
      fillOnAAndAwaitB(a, b);
      b.cacheLookups(Duration.ofSeconds(60), Duration.ofSeconds(10)); // again: empty, the listener stays
      b.isLocalDomain("b.test");
      long misses = b.lookupCache().misses();
      b.isLocalDomain("b.test");
      assertThat(b.lookupCache().misses()).isEqualTo(misses);
      now.addAndGet(61 * SECOND);
      b.isLocalDomain("b.test");
      assertThat(b.lookupCache().misses()).isEqualTo(misses + 1);
    }
  }
}
