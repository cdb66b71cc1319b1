package dev.postamt.testing;

import dev.postamt.config.Database;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A throwaway PostgreSQL cluster for the tests of one JVM: Debian's {@code initdb} and {@code pg_ctl} (package
 * {@code postgresql}) in a temporary directory, listening on 127.0.0.1 on a free port, trust authentication,
 * fsync off; stopped and removed when the JVM ends. Run as root, the server runs as the {@code postgres} user
 * (PostgreSQL refuses root). {@link #freshDatabase} gives each test its own database.
 *
 * <p>When PostgreSQL is not installed or the cluster cannot start, the calling test is skipped with a message
 * saying why; it is never passed silently.
 */
public final class PgCluster {
  private static final AtomicInteger NEXT_DB = new AtomicInteger();
  private static PgCluster instance;
  private static String unavailable;

  private final int port;

  private PgCluster(int port) {
    this.port = port;
  }

  /** The cluster of this JVM, started on first use; skips the calling test when PostgreSQL cannot start. */
  public static synchronized PgCluster get() {
    if (instance == null && unavailable == null) {
      try {
        instance = start();
      } catch (IOException | RuntimeException e) {
        unavailable = e.getMessage();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        unavailable = "interrupted while starting PostgreSQL";
      }
    }
    Assumptions.assumeTrue(instance != null, () -> "PostgreSQL test skipped: " + unavailable);
    return instance;
  }

  /** A new empty database; its {@code [database]} setting. */
  public Database freshDatabase() {
    String name = "t" + ProcessHandle.current().pid() + "_" + NEXT_DB.incrementAndGet();
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postamt", "");
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test database " + name + ": " + e.getMessage(), e);
    }
    return new Database(java.util.Optional.of(Database.Postgres.parse(url(name))), 4);
  }

  /** The {@code postgresql://} URL of database {@code name} in this cluster. */
  public String url(String name) {
    return "postgresql://postamt@127.0.0.1:" + port + "/" + name;
  }

  public int port() {
    return port;
  }

  private static Path binary(String name) {
    for (String v : List.of("18", "17", "16", "15", "14", "13")) {
      Path p = Path.of("/usr/lib/postgresql", v, "bin", name);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  private static PgCluster start() throws IOException, InterruptedException {
    Path initdb = binary("initdb");
    Path pgCtl = binary("pg_ctl");
    if (initdb == null || pgCtl == null) {
      throw new IllegalStateException("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb; apt-get install postgresql)");
    }
    boolean root = "root".equals(System.getProperty("user.name"));
    Path dir = Files.createTempDirectory("postamt-pg");
    Path data = dir.resolve("data");
    if (root) {
      UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
      try {
        Files.setOwner(dir, users.lookupPrincipalByName("postgres"));
      } catch (IOException e) {
        throw new IllegalStateException("running as root and there is no postgres user to run PostgreSQL as");
      }
    }
    run(root, dir, List.of(initdb.toString(), "-D", data.toString(), "-A", "trust", "-U", "postamt", "--no-sync",
        "-E", "UTF8", "--locale=C"));
    int port = Ports.free();
    String opts = "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off"
        + " -c synchronous_commit=off -c full_page_writes=off -c max_connections=300";
    run(root, dir, List.of(pgCtl.toString(), "-D", data.toString(), "-o", opts, "-l", dir.resolve("log").toString(),
        "-w", "-t", "60", "start"));
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        run(root, dir, List.of(pgCtl.toString(), "-D", data.toString(), "-m", "immediate", "-w", "stop"));
      } catch (IOException | InterruptedException | RuntimeException ignored) {
        // removing the files anyway
      }
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException ignored) {
        // a temp directory left behind
      }
    }));
    return new PgCluster(port);
  }

  private static void run(boolean root, Path dir, List<String> cmd) throws IOException, InterruptedException {
    List<String> full = new ArrayList<>();
    if (root) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(cmd);
    Path out = Files.createTempFile("postamt-pg", ".out");
    try {
      Process p = new ProcessBuilder(full).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(out.toFile()).start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", cmd) + " did not finish in 120 s");
      }
      if (p.exitValue() != 0) {
        String text = Files.readString(out);
        throw new IllegalStateException(cmd.get(0) + " failed (" + p.exitValue() + "): "
            + text.strip().replace('\n', ' ') + (dir.resolve("log").toFile().exists() ? " log: " + Files.readString(dir.resolve("log")).strip() : ""));
      }
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
