package dev.postamt.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postamt.config.Config;
import dev.postamt.config.Database;
import dev.postamt.postgres.PgDatabase;
import dev.postamt.testing.PgCluster;
import dev.postamt.testing.PgPools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The directory contracts on PostgreSQL, and two nodes sharing one database: each node has its own pool
 * (as two processes would), and what one node changes the other sees at its very next lookup.
 */
class PgDirectoryTest implements DirectoryContract, DirectorySecurityContract {
  private final PgPools pools = new PgPools();
  /** One database per directory the contracts name, so that opening the same directory again reopens it. */
  private final Map<Path, PgDatabase> databases = new ConcurrentHashMap<>();
  private final List<PgDatabase> secondPools = new ArrayList<>();

  @Override
  public Directory open(Path data) throws Exception {
    return Directory.open(databases.computeIfAbsent(data, d -> pools.fresh()));
  }

  @Override
  public String storedPassword(Path data, String address) throws Exception {
    try (Connection c = databases.get(data).connection();
        PreparedStatement ps = c.prepareStatement("SELECT password FROM users WHERE address = ?")) {
      ps.setString(1, address);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).as("a row for " + address).isTrue();
        return rs.getString(1);
      }
    }
  }

  @AfterEach
  void close() {
    secondPools.forEach(PgDatabase::close);
    pools.close();
  }

  /** Nodes A and B: a pool each on one new database. */
  private PgDatabase[] twoNodes() {
    Database.Postgres pg = PgCluster.get().freshDatabase().postgres().orElseThrow();
    PgDatabase a = PgDatabase.of(pg, 2);
    PgDatabase b = PgDatabase.of(new Database.Postgres(pg.host(), pg.port(), pg.database(), pg.user(), pg.password(),
        "ApplicationName=nodeB"), 2);
    secondPools.add(a);
    secondPools.add(b);
    assertThat(b).isNotSameAs(a);
    return new PgDatabase[] {a, b};
  }

  @Test
  void aUserAddedOnOneNodeLogsInOnTheOtherAtOnce() throws Exception {
    PgDatabase[] nodes = twoNodes();
    PgDatabase a = nodes[0];
    try (Directory nodeA = Directory.open(a); Directory nodeB = Directory.open(nodes[1])) {
      nodeB.cacheVerifiedLogins(Duration.ofHours(1)); // as the server does: must not go stale either
      nodeA.addDomain("b.test");
      assertThat(nodeB.isLocalDomain("b.test")).isTrue();
      nodeA.addUser("alice@b.test", "first".toCharArray());
      assertThat(nodeB.authenticate("Alice@b.test", "first".toCharArray())).contains("alice@b.test");
      assertThat(nodeB.scramLogin("alice@b.test")).isPresent();

      nodeA.setPassword("alice@b.test", "second".toCharArray());
      assertThat(nodeB.authenticate("alice@b.test", "first".toCharArray())).as("the cached old password").isEmpty();
      assertThat(nodeB.authenticate("alice@b.test", "second".toCharArray())).contains("alice@b.test");

      nodeA.security().setDisabled("alice@b.test", true);
      assertThat(nodeB.authenticate("alice@b.test", "second".toCharArray())).as("disabled on A").isEmpty();
      nodeA.security().setDisabled("alice@b.test", false);
      assertThat(nodeB.authenticate("alice@b.test", "second".toCharArray())).contains("alice@b.test");

      nodeA.addAlias("info@b.test", List.of("alice@b.test"));
      assertThat(nodeB.aliasTargets("info@b.test")).containsExactly("alice@b.test");
      nodeA.removeUser("alice@b.test");
      assertThat(nodeB.userExists("alice@b.test")).isFalse();
      assertThat(nodeB.authenticate("alice@b.test", "second".toCharArray())).as("removed on A").isEmpty();
    }
  }

  /** Runs {@code a} and {@code b} at once (released together by a barrier); their results in order. */
  private static <T> List<T> atOnce(Callable<T> a, Callable<T> b) throws Exception {
    CyclicBarrier start = new CyclicBarrier(2);
    try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<T> fa = ex.submit(() -> {
        start.await();
        return a.call();
      });
      Future<T> fb = ex.submit(() -> {
        start.await();
        return b.call();
      });
      return List.of(fa.get(), fb.get());
    }
  }

  /** "ok", or the refusal's message. */
  private static Callable<String> outcome(DirectoryCall call) {
    return () -> {
      try {
        call.run();
        return "ok";
      } catch (DirectoryException e) {
        return e.getMessage();
      }
    };
  }

  @FunctionalInterface
  private interface DirectoryCall {
    void run() throws DirectoryException;
  }

  @Test
  void twoNodesAddingTheSameUserAtOnceMakeOneUserAndOneClearRefusal() throws Exception {
    PgDatabase[] nodes = twoNodes();
    String hash = PasswordHash.hash("pw".toCharArray());
    try (Directory nodeA = Directory.open(nodes[0]); Directory nodeB = Directory.open(nodes[1])) {
      nodeA.addDomain("b.test");
      for (int i = 0; i < 20; i++) {
        String user = "u" + i + "@b.test";
        List<String> got = atOnce(outcome(() -> nodeA.addUserWithHash(user, hash)), outcome(() -> nodeB.addUserWithHash(user, hash)));
        assertThat(got).as(user).containsExactlyInAnyOrder("ok", "user " + user + " already exists");
      }
      assertThat(nodeA.users()).hasSize(20);
    }
  }

  @Test
  void aDomainRemovedOnOneNodeWhileAnotherAddsAUserEndsConsistent() throws Exception {
    PgDatabase[] nodes = twoNodes();
    String hash = PasswordHash.hash("pw".toCharArray());
    try (Directory nodeA = Directory.open(nodes[0]); Directory nodeB = Directory.open(nodes[1])) {
      for (int i = 0; i < 10; i++) {
        String domain = "d" + i + ".test";
        nodeA.addDomain(domain);
        List<String> got = atOnce(outcome(() -> nodeA.removeDomain(domain)), outcome(() -> nodeB.addUserWithHash("x@" + domain, hash)));
        if (got.get(0).equals("ok")) {
          assertThat(got.get(1)).as("the domain went first").contains("is not a local domain");
          assertThat(nodeB.userExists("x@" + domain)).isFalse();
        } else {
          assertThat(got).as("the user came first").containsExactly(
              "domain " + domain + " still has 1 user (x@" + domain + "); remove them first with 'postamt user remove ADDRESS'", "ok");
          assertThat(nodeB.userExists("x@" + domain)).isTrue();
        }
      }
    }
  }

  @Test
  void aListGrownFromTwoNodesAtOnceKeepsEveryTargetInItsOwnPlace() throws Exception {
    PgDatabase[] nodes = twoNodes();
    PgDatabase a = nodes[0];
    try (Directory nodeA = Directory.open(a); Directory nodeB = Directory.open(nodes[1])) {
      nodeA.addDomain("b.test");
      atOnce(() -> {
        for (int i = 0; i < 25; i++) {
          nodeA.addAlias("list@b.test", List.of("a" + i + "@r.test"));
        }
        return "a done";
      }, () -> {
        for (int i = 0; i < 25; i++) {
          nodeB.addAlias("list@b.test", List.of("b" + i + "@r.test"));
        }
        return "b done";
      });
      List<String> targets = nodeB.aliasTargets("list@b.test");
      assertThat(targets).hasSize(50);
      assertThat(targets.stream().filter(t -> t.startsWith("a")).toList()).as("A's in A's order")
          .isEqualTo(java.util.stream.IntStream.range(0, 25).mapToObj(i -> "a" + i + "@r.test").toList());
      try (Connection c = a.connection(); Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT count(DISTINCT position) FROM aliases WHERE address = 'list@b.test'")) {
        rs.next();
        assertThat(rs.getInt(1)).as("no two targets share a place").isEqualTo(50);
      }
    }
  }

  @Test
  void keysSortByteByByteWhateverTheDatabaseLocale() throws Exception {
    // ICU's English puts '@' before digits ("a@" < "a1@"); SQLite, and so the directory, compares bytes.
    PgCluster cluster = PgCluster.get();
    String name = "icu" + ProcessHandle.current().pid() + "_" + System.nanoTime();
    try (Connection c = java.sql.DriverManager.getConnection(
            "jdbc:postgresql://127.0.0.1:" + cluster.port() + "/postgres", "postamt", "");
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name + " TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C'");
    } catch (java.sql.SQLException e) {
      org.junit.jupiter.api.Assumptions.abort("this PostgreSQL cannot make an ICU database: " + e.getMessage());
    }
    PgDatabase pg = PgDatabase.of(Database.Postgres.parse(cluster.url(name)), 2);
    secondPools.add(pg);
    try (Connection c = pg.connection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT x FROM (VALUES ('a1@a.test'), ('a@a.test')) v(x) ORDER BY x")) {
      rs.next();
      assertThat(rs.getString(1)).as("the database's own order differs from bytes").isEqualTo("a@a.test");
    }
    try (Directory dir = Directory.open(pg)) {
      dir.addDomain("a.test");
      dir.addUserWithHash("a@a.test", PasswordHash.hash("x".toCharArray()));
      dir.addUserWithHash("a1@a.test", PasswordHash.hash("x".toCharArray()));
      assertThat(dir.users()).containsExactly("a1@a.test", "a@a.test");
      dir.addAlias("a1@a.test", List.of("x@r.test"));
      dir.addAlias("a@a.test", List.of("x@r.test"));
      dir.addAlias("@a.test", List.of("x@r.test"));
      assertThat(dir.aliases().keySet()).containsExactly("@a.test", "a1@a.test", "a@a.test");
    }
  }

  @Test
  void theTablesAreVersionedAndANewerVersionIsRefused() throws Exception {
    PgDatabase a = pools.fresh();
    try (Directory dir = Directory.open(a)) {
      dir.addDomain("b.test");
    }
    assertThat(a.schemaVersion("directory")).isEqualTo(DirectorySchema.POSTGRES.size());
    try (Directory again = Directory.open(a)) { // a second node starting: nothing to do, data kept
      assertThat(again.domains()).containsExactly("b.test");
      assertThat(again.file()).isNull();
    }
    try (Connection c = a.connection(); Statement st = c.createStatement()) {
      st.execute("UPDATE postamt_schema SET version = 99 WHERE owner = 'directory'");
    }
    assertThatThrownBy(() -> Directory.open(a)).isInstanceOf(DirectoryException.class)
        .hasMessageContaining("directory has schema version 99").hasMessageContaining("newer than this build knows");
  }

  @Test
  void aConfigWithADatabaseUrlKeepsTheDirectoryInPostgres(@TempDir Path dir) throws Exception {
    PgCluster cluster = PgCluster.get();
    String url = cluster.url(cluster.freshDatabase().postgres().orElseThrow().database());
    Path toml = dir.resolve("postamt.toml");
    Files.writeString(toml, "hostname = \"mx.example.test\"\ndata_dir = \"" + dir.resolve("data")
        + "\"\n[database]\nurl = \"" + url + "\"\n");
    Config config = Config.load(toml, true);
    PgDatabase pg = PgDatabase.of(config.database());
    secondPools.add(pg);
    try (Directory d = Directory.open(config)) {
      d.addDomain("example.test");
      d.addUser("a@example.test", "pw".toCharArray());
      assertThat(d.file()).isNull();
    }
    assertThat(dir.resolve("data").resolve(Directory.FILE_NAME)).doesNotExist();
    try (Directory d = Directory.open(pg)) {
      assertThat(d.authenticate("a@example.test", "pw".toCharArray())).contains("a@example.test");
    }
  }
}
