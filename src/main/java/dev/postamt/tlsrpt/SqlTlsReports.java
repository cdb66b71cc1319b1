package dev.postamt.tlsrpt;

import dev.postamt.postgres.Connections;
import java.io.IOException;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one class holding the SQL of {@link TlsReports}, on SQLite ({@link SqliteTlsReports}, {@code
 * data_dir/tlsrpt.db}) or PostgreSQL ({@link PgTlsReports}, table {@code tlsrpt_outcome}, recorded by every
 * node). One row per day, policy and kind of outcome, with a count; a success has an empty {@code result}.
 * Policy strings and MX patterns are kept one per line. Counting is one {@code INSERT … ON CONFLICT DO UPDATE
 * SET count = count + 1}, atomic when several nodes count the same outcome at once.
 *
 * <pre>
 * outcome(day TEXT, domain TEXT, policy_type TEXT, policy_strings TEXT, mx_hosts TEXT, result TEXT,
 *         sending_ip TEXT, mx_host TEXT, receiving_ip TEXT, reason TEXT, count INTEGER,
 *         PRIMARY KEY (every column but count))
 * </pre>
 */
public class SqlTlsReports implements TlsReports {
  private static final Logger log = LoggerFactory.getLogger(SqlTlsReports.class);
  /** A failure-reason-code is cut to this length, so that one odd reply does not bloat the report. */
  static final int MAX_REASON = 200;
  private static final String KEY =
      "day, domain, policy_type, policy_strings, mx_hosts, result, sending_ip, mx_host, receiving_ip, reason";

  final Connections db;
  private final Clock clock;
  private final String outcome;

  SqlTlsReports(Connections db, String table, Clock clock) {
    this.db = db;
    this.outcome = table;
    this.clock = clock;
  }

  /** The table {@code table}; SQLite keeps it {@code WITHOUT ROWID}. */
  static String schema(String table, boolean postgres) {
    return "CREATE TABLE IF NOT EXISTS " + table + "(day TEXT NOT NULL, domain TEXT NOT NULL, policy_type TEXT NOT NULL,"
        + " policy_strings TEXT NOT NULL, mx_hosts TEXT NOT NULL, result TEXT NOT NULL, sending_ip TEXT NOT NULL,"
        + " mx_host TEXT NOT NULL, receiving_ip TEXT NOT NULL, reason TEXT NOT NULL, count " + (postgres ? "BIGINT" : "INTEGER")
        + " NOT NULL, PRIMARY KEY (" + KEY + "))" + (postgres ? "" : " WITHOUT ROWID");
  }

  private static java.io.UncheckedIOException fault(Connections db, SQLException e) {
    return new java.io.UncheckedIOException(new IOException(db.display() + ": " + e.getMessage(), e));
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
    String[] values = {day, p.domain(), p.type().word(), String.join("\n", p.strings()), String.join("\n", p.mxHosts()),
        result, sendingIp, mxHost, receivingIp, reason};
    try {
      db.with(c -> {
        try (PreparedStatement st = c.prepareStatement("INSERT INTO " + outcome + " (" + KEY + ", count)"
            + " VALUES (?,?,?,?,?,?,?,?,?,?,1) ON CONFLICT (" + KEY + ") DO UPDATE SET count = " + outcome + ".count + 1")) {
          for (int i = 0; i < values.length; i++) {
            st.setString(i + 1, text(values[i]));
          }
          return st.executeUpdate();
        }
      });
    } catch (SQLException e) {
      log.warn("tlsrpt: result for {} not recorded: {}", p.domain(), e.getMessage());
    }
  }

  /** PostgreSQL's text holds no NUL (a remote reply could carry one); it is kept visible as U+FFFD. */
  private String text(String s) {
    return db.postgres() && s.indexOf('\0') >= 0 ? s.replace('\0', '\uFFFD') : s;
  }

  @Override
  public List<LocalDate> days() {
    try {
      return db.with(c -> {
        try (Statement st = c.createStatement();
            ResultSet rs = st.executeQuery("SELECT DISTINCT day FROM " + outcome + " ORDER BY day")) {
          List<LocalDate> out = new ArrayList<>();
          while (rs.next()) {
            out.add(LocalDate.parse(rs.getString(1)));
          }
          return out;
        }
      });
    } catch (SQLException e) {
      throw fault(db, e);
    }
  }

  @Override
  public Map<String, List<PolicyResults>> day(LocalDate day) {
    // domain → policy → [successes, failures]
    Map<String, Map<Policy, Object[]>> byDomain = new TreeMap<>();
    try {
      db.with(c -> {
        try (PreparedStatement st = c.prepareStatement("SELECT domain, policy_type, policy_strings, mx_hosts, result,"
            + " sending_ip, mx_host, receiving_ip, reason, count FROM " + outcome
            + " WHERE day = ? ORDER BY domain, policy_type, result, mx_host, receiving_ip")) {
          st.setString(1, day.toString());
          try (ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
              Policy p = new Policy(rs.getString(1), Policy.Type.of(rs.getString(2)), lines(rs.getString(3)),
                  lines(rs.getString(4)));
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
        }
        return null;
      });
    } catch (SQLException e) {
      throw fault(db, e);
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
    try {
      db.with(c -> {
        try (PreparedStatement st = c.prepareStatement("DELETE FROM " + outcome + " WHERE day = ? AND domain = ?")) {
          st.setString(1, day.toString());
          st.setString(2, domain);
          return st.executeUpdate();
        }
      });
    } catch (SQLException e) {
      throw fault(db, e);
    }
  }

  @Override
  public void close() {
    db.close();
  }
}
