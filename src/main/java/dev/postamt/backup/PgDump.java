package dev.postamt.backup;

import dev.postamt.config.Database;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The PostgreSQL-held state of a backup ({@code [database] url}): PostgreSQL's own {@code pg_dump} in its
 * custom format, one consistent snapshot of the whole database (every table of every state owner, with
 * their definitions, so that it restores into an empty database), and {@code pg_restore} in one
 * transaction to put it back. The tools come with Debian's {@code postgresql-client}; they are looked up
 * on {@code PATH}, then under {@code /usr/lib/postgresql/VERSION/bin} (newest first). A tool older than
 * the server refuses, and its message is passed on.
 */
final class PgDump {
  /** The file in a snapshot. */
  static final String FILE = "postgresql.dump";

  private static final long TIMEOUT_MINUTES = 120;

  private PgDump() {}

  /** Dumps the database of {@code target} into {@code file}. */
  static void dump(Database.Postgres target, Path file) throws IOException {
    run(target, List.of(tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
        "--file=" + file, "--dbname=" + uri(target)), "pg_dump");
  }

  /**
   * Replaces the objects of the dump in {@code target}'s database with the dump's, in one transaction:
   * on any error nothing is changed.
   */
  static void restore(Database.Postgres target, Path file) throws IOException {
    run(target, List.of(tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
        "--single-transaction", "--exit-on-error", "--dbname=" + uri(target), file.toString()), "pg_restore");
  }

  /** A libpq connection URI without the password (given in the environment, never on a command line). */
  static String uri(Database.Postgres t) {
    String host = t.host().contains(":") ? "[" + t.host() + "]" : t.host();
    String user = t.user().isEmpty() ? "" : URLEncoder.encode(t.user(), StandardCharsets.UTF_8) + "@";
    return "postgresql://" + user + host + ":" + t.port() + "/" + t.database() + (t.query().isEmpty() ? "" : "?" + t.query());
  }

  private static void run(Database.Postgres target, List<String> command, String what) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    if (!target.password().isEmpty()) {
      pb.environment().put("PGPASSWORD", target.password());
    }
    pb.environment().put("PGCONNECT_TIMEOUT", "30");
    Process p = pb.start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes(); // errors only: the dump goes to its file
    try {
      if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IOException(what + " did not finish within " + TIMEOUT_MINUTES + " minutes");
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException(what + " interrupted");
    }
    if (p.exitValue() != 0) {
      String text = new String(out, StandardCharsets.UTF_8).strip().replace('\n', ' ');
      text = text.length() > 2000 ? text.substring(0, 2000) + " …" : text;
      throw new IOException(what + " of " + target.display() + " failed (exit " + p.exitValue() + "): " + text);
    }
  }

  /** The path of a PostgreSQL client tool. */
  static String tool(String name) throws IOException {
    return find(name).orElseThrow(() -> new IOException(name + " not found (on PATH or in /usr/lib/postgresql/*/bin):"
        + " install PostgreSQL's client tools (Debian: apt-get install postgresql-client) to back up or restore"
        + " the state kept in PostgreSQL"));
  }

  static Optional<String> find(String name) {
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(java.io.File.pathSeparator)) {
        Path p = Path.of(dir.isEmpty() ? "." : dir, name);
        if (Files.isExecutable(p)) {
          return Optional.of(p.toString());
        }
      }
    }
    List<Path> versions = new ArrayList<>();
    try (var ds = Files.newDirectoryStream(Path.of("/usr/lib/postgresql"))) {
      ds.forEach(versions::add);
    } catch (IOException e) {
      return Optional.empty();
    }
    versions.sort((a, b) -> Integer.compare(major(b), major(a)));
    for (Path v : versions) {
      Path p = v.resolve("bin").resolve(name);
      if (Files.isExecutable(p)) {
        return Optional.of(p.toString());
      }
    }
    return Optional.empty();
  }

  private static int major(Path versionDir) {
    try {
      return Integer.parseInt(versionDir.getFileName().toString());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
