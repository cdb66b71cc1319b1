package dev.postamt.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * {@code [database]}: where shared state lives. Empty {@code url} (the default) keeps every kind of state
 * in SQLite files under {@code data_dir}; {@code postgresql://user:password@host:port/db} puts it in one
 * PostgreSQL database that several nodes can share.
 *
 * @param postgres the parsed PostgreSQL URL; empty for SQLite
 * @param poolSize most connections one process opens to PostgreSQL ({@code pool_size})
 */
public record Database(Optional<Postgres> postgres, int poolSize) {

  /**
   * A PostgreSQL connection target.
   *
   * @param query the URL's query string, passed to the JDBC driver as it is ({@code sslmode=verify-full})
   */
  public record Postgres(String host, int port, String database, String user, String password, String query) {
    /** The pgjdbc URL, without the credentials (they are given to the pool on their own). */
    public String jdbcUrl() {
      String h = host.contains(":") ? "[" + host + "]" : host;
      return "jdbc:postgresql://" + h + ":" + port + "/" + database + (query.isEmpty() ? "" : "?" + query);
    }

    /** The URL with the password left out, for logs and {@code config show}. */
    public String display() {
      return "postgresql://" + (user.isEmpty() ? "" : user + (password.isEmpty() ? "" : ":***") + "@") + host + ":"
          + port + "/" + database + (query.isEmpty() ? "" : "?" + query);
    }

    /**
     * Parses {@code postgresql://[user[:password]@]host[:port]/database[?query]} ({@code postgres://} too);
     * user and password are percent-decoded.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static Postgres parse(String url) {
      URI u;
      try {
        u = new URI(url.trim());
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("is not a URL: " + e.getReason());
      }
      if (!"postgresql".equalsIgnoreCase(u.getScheme()) && !"postgres".equalsIgnoreCase(u.getScheme())) {
        throw new IllegalArgumentException("must start with postgresql://, got \"" + u.getScheme() + ":\"");
      }
      String host = u.getHost();
      if (host == null || host.isEmpty()) {
        throw new IllegalArgumentException("names no host (postgresql://user:password@host:5432/database)");
      }
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      String path = u.getRawPath() == null ? "" : u.getRawPath();
      String db = path.startsWith("/") ? path.substring(1) : path;
      if (db.isEmpty() || !db.matches("[A-Za-z0-9_$.-]+")) {
        throw new IllegalArgumentException("names no database (postgresql://user:password@host:5432/database)");
      }
      String user = "";
      String password = "";
      String info = u.getRawUserInfo();
      if (info != null) {
        int colon = info.indexOf(':');
        user = decode(colon < 0 ? info : info.substring(0, colon));
        password = colon < 0 ? "" : decode(info.substring(colon + 1));
      }
      int port = u.getPort() < 0 ? 5432 : u.getPort();
      return new Postgres(host, port, db, user, password, u.getRawQuery() == null ? "" : u.getRawQuery());
    }

    private static String decode(String s) {
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
  }

  /** SQLite under {@code data_dir}. */
  public static Database sqlite() {
    return new Database(Optional.empty(), 10);
  }

  static Database parse(ConfigReader r) {
    r.allowKeys("database", "url", "pool_size");
    String url = r.readString("database.url", "");
    Optional<Postgres> pg = Optional.empty();
    if (!url.isBlank()) {
      try {
        pg = Optional.of(Postgres.parse(url));
        r.note("database.url", ConfigReader.quote(pg.get().display()));
      } catch (IllegalArgumentException e) {
        r.error("database.url", e.getMessage());
      }
    }
    int pool = r.integer("database.pool_size", 10, 1, 1000);
    return new Database(pg, pool);
  }
}
