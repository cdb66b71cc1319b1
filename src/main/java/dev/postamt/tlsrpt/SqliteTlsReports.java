package dev.postamt.tlsrpt;

import dev.postamt.sqlite.SqliteFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS results in {@code data_dir/tlsrpt.db}: SQLite in WAL mode (the server records while {@code
 * postamt tlsrpt send} may read and forget), one connection under a lock. One row per day, policy and
 * kind of outcome, with a count; a success has an empty {@code result}. Policy strings and MX patterns
 * are kept one per line.
 *
 * <pre>
 * outcome(day TEXT, domain TEXT, policy_type TEXT, policy_strings TEXT, mx_hosts TEXT, result TEXT,
 *         sending_ip TEXT, mx_host TEXT, receiving_ip TEXT, reason TEXT, count INTEGER,
 *         PRIMARY KEY (every column but count)) WITHOUT ROWID
 * </pre>
 */
public final class SqliteTlsReports implements TlsReports {
  private static final Logger log = LoggerFactory.getLogger(SqliteTlsReports.class);
  public static final String FILE_NAME = "tlsrpt.db";
  private static final int SCHEMA_VERSION = 1;
  /** A failure-reason-code is cut to this length, so that one odd reply does not bloat the report. */
  static final int MAX_REASON = 200;

  private final Connection db;
  private final Clock clock;
  private final ReentrantLock lock = new ReentrantLock();

  private SqliteTlsReports(Connection db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /** Opens (creating when missing) {@code dataDir/tlsrpt.db}; days are UTC days of {@code clock}. */
  public static SqliteTlsReports open(Path dataDir, Clock clock) throws IOException {
    Path file = dataDir.resolve(FILE_NAME);
    try {
      return new SqliteTlsReports(SqliteFiles.open(file, SqliteTlsReports::migrate), clock);
    } catch (SQLException e) {
      throw new IOException("cannot open " + file + ": " + e.getMessage(), e);
    }
  }

  private static void migrate(Connection c) throws SQLException {
    if (SqliteFiles.schemaVersion(c, SCHEMA_VERSION, FILE_NAME) == SCHEMA_VERSION) {
      return;
    }
    try (Statement st = c.createStatement()) {
      st.executeUpdate("CREATE TABLE IF NOT EXISTS outcome(day TEXT NOT NULL, domain TEXT NOT NULL, policy_type TEXT NOT NULL,"
          + " policy_strings TEXT NOT NULL, mx_hosts TEXT NOT NULL, result TEXT NOT NULL, sending_ip TEXT NOT NULL,"
          + " mx_host TEXT NOT NULL, receiving_ip TEXT NOT NULL, reason TEXT NOT NULL, count INTEGER NOT NULL,"
          + " PRIMARY KEY (day, domain, policy_type, policy_strings, mx_hosts, result, sending_ip, mx_host, receiving_ip, reason))"
          + " WITHOUT ROWID");
      st.executeUpdate("PRAGMA user_version = " + SCHEMA_VERSION);
    }
  }

  @Override
  public void success(Policy policy) {
    add(policy, "", "", "", "", "");
  }

  @Override
  public void failure(Policy policy, Failure f) {
    String reason = f.reason().length() > MAX_REASON ? f.reason().substring(0, MAX_REASON) : f.reason();
    add(policy, f.type().word(), f.sendingIp(), f.mxHost(), f.receivingIp(), reason);
  }

  private void add(Policy p, String result, String sendingIp, String mxHost, String receivingIp, String reason) {
    String day = LocalDate.now(clock.withZone(ZoneOffset.UTC)).toString();
    lock.lock();
    try (PreparedStatement st = db.prepareStatement("INSERT INTO outcome VALUES (?,?,?,?,?,?,?,?,?,?,1)"
        + " ON CONFLICT DO UPDATE SET count = count + 1")) {
      st.setString(1, day);
      st.setString(2, p.domain());
      st.setString(3, p.type().word());
      st.setString(4, String.join("\n", p.strings()));
      st.setString(5, String.join("\n", p.mxHosts()));
      st.setString(6, result);
      st.setString(7, sendingIp);
      st.setString(8, mxHost);
      st.setString(9, receivingIp);
      st.setString(10, reason);
      st.executeUpdate();
    } catch (SQLException e) {
      log.warn("tlsrpt: result for {} not recorded: {}", p.domain(), e.getMessage());
    } finally {
      lock.unlock();
    }
  }

  @Override
  public List<LocalDate> days() {
    lock.lock();
    try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT DISTINCT day FROM outcome ORDER BY day")) {
      List<LocalDate> out = new ArrayList<>();
      while (rs.next()) {
        out.add(LocalDate.parse(rs.getString(1)));
      }
      return out;
    } catch (SQLException e) {
      throw new java.io.UncheckedIOException(new IOException("tlsrpt.db: " + e.getMessage(), e));
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Map<String, List<PolicyResults>> day(LocalDate day) {
    // domain → policy → [successes, failures]
    Map<String, Map<Policy, Object[]>> byDomain = new TreeMap<>();
    lock.lock();
    try (PreparedStatement st = db.prepareStatement("SELECT domain, policy_type, policy_strings, mx_hosts, result, sending_ip,"
        + " mx_host, receiving_ip, reason, count FROM outcome WHERE day = ? ORDER BY domain, policy_type, result, mx_host, receiving_ip")) {
      st.setString(1, day.toString());
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          Policy p = new Policy(rs.getString(1), Policy.Type.of(rs.getString(2)), lines(rs.getString(3)), lines(rs.getString(4)));
          Object[] acc = byDomain.computeIfAbsent(p.domain(), d -> new LinkedHashMap<>())
              .computeIfAbsent(p, k -> new Object[] {0L, new ArrayList<FailureCount>()});
          long count = rs.getLong(10);
          if (rs.getString(5).isEmpty()) {
            acc[0] = (Long) acc[0] + count;
          } else {
            @SuppressWarnings("unchecked")
            List<FailureCount> fs = (List<FailureCount>) acc[1];
            fs.add(new FailureCount(new Failure(ResultType.of(rs.getString(5)), rs.getString(6), rs.getString(7),
                rs.getString(8), rs.getString(9)), count));
          }
        }
      }
    } catch (SQLException e) {
      throw new java.io.UncheckedIOException(new IOException("tlsrpt.db: " + e.getMessage(), e));
    } finally {
      lock.unlock();
    }
    Map<String, List<PolicyResults>> out = new TreeMap<>();
    byDomain.forEach((d, policies) -> {
      List<PolicyResults> list = new ArrayList<>();
      policies.forEach((p, acc) -> {
        @SuppressWarnings("unchecked")
        List<FailureCount> fs = (List<FailureCount>) acc[1];
        list.add(new PolicyResults(p, (Long) acc[0], List.copyOf(fs)));
      });
      out.put(d, List.copyOf(list));
    });
    return out;
  }

  private static List<String> lines(String s) {
    return s.isEmpty() ? List.of() : Arrays.asList(s.split("\n"));
  }

  @Override
  public void forget(LocalDate day, String domain) {
    lock.lock();
    try (PreparedStatement st = db.prepareStatement("DELETE FROM outcome WHERE day = ? AND domain = ?")) {
      st.setString(1, day.toString());
      st.setString(2, domain);
      st.executeUpdate();
    } catch (SQLException e) {
      throw new java.io.UncheckedIOException(new IOException("tlsrpt.db: " + e.getMessage(), e));
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    SqliteFiles.close(db, lock);
  }
}
