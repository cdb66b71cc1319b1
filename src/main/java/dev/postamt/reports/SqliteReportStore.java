package dev.postamt.reports;

import dev.postamt.sqlite.SqliteFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@link ReportStore} in SQLite at {@code data_dir/reports.db}: the only place its SQL lives. One
 * connection under a lock; every change is one transaction, so a report is stored whole or not at all.
 */
public final class SqliteReportStore implements ReportStore {
  public static final String FILE_NAME = "reports.db";
  private static final int SCHEMA_VERSION = 1;

  private static final String[] SCHEMA = {
    """
    CREATE TABLE IF NOT EXISTS dmarc_reports (
      id        INTEGER PRIMARY KEY,
      org       TEXT NOT NULL,
      report_id TEXT NOT NULL,
      email     TEXT NOT NULL,
      domain    TEXT NOT NULL,
      policy    TEXT NOT NULL,
      begin_at  INTEGER NOT NULL,
      end_at    INTEGER NOT NULL,
      received  INTEGER NOT NULL,
      UNIQUE (org, report_id)
    )""",
    "CREATE INDEX IF NOT EXISTS dmarc_reports_domain ON dmarc_reports(domain, begin_at)",
    """
    CREATE TABLE IF NOT EXISTS dmarc_records (
      report      INTEGER NOT NULL REFERENCES dmarc_reports(id) ON DELETE CASCADE,
      source_ip   TEXT NOT NULL,
      count       INTEGER NOT NULL,
      disposition TEXT NOT NULL,
      dkim        TEXT NOT NULL,
      spf         TEXT NOT NULL,
      header_from TEXT NOT NULL,
      dkim_auth   TEXT NOT NULL,
      spf_auth    TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS dmarc_records_report ON dmarc_records(report)",
    """
    CREATE TABLE IF NOT EXISTS tls_reports (
      id        INTEGER PRIMARY KEY,
      org       TEXT NOT NULL,
      report_id TEXT NOT NULL,
      contact   TEXT NOT NULL,
      begin_at  INTEGER NOT NULL,
      end_at    INTEGER NOT NULL,
      received  INTEGER NOT NULL,
      UNIQUE (org, report_id)
    )""",
    """
    CREATE TABLE IF NOT EXISTS tls_policies (
      report      INTEGER NOT NULL REFERENCES tls_reports(id) ON DELETE CASCADE,
      policy_type TEXT NOT NULL,
      domain      TEXT NOT NULL,
      successes   INTEGER NOT NULL,
      failures    INTEGER NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS tls_policies_report ON tls_policies(report)",
    """
    CREATE TABLE IF NOT EXISTS tls_failures (
      report      INTEGER NOT NULL REFERENCES tls_reports(id) ON DELETE CASCADE,
      domain      TEXT NOT NULL,
      result_type TEXT NOT NULL,
      count       INTEGER NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS tls_failures_report ON tls_failures(report)",
    // our own evaluations of inbound mail, one row per distinct outcome and day, counted
    """
    CREATE TABLE IF NOT EXISTS dmarc_seen (
      day           TEXT NOT NULL,
      policy_domain TEXT NOT NULL,
      header_from   TEXT NOT NULL,
      source_ip     TEXT NOT NULL,
      envelope_from TEXT NOT NULL,
      spf_domain    TEXT NOT NULL,
      spf_result    TEXT NOT NULL,
      dkim_auth     TEXT NOT NULL,
      spf_aligned   INTEGER NOT NULL,
      dkim_aligned  INTEGER NOT NULL,
      disposition   TEXT NOT NULL,
      count         INTEGER NOT NULL,
      PRIMARY KEY (day, policy_domain, header_from, source_ip, envelope_from, spf_domain, spf_result, dkim_auth,
        spf_aligned, dkim_aligned, disposition)
    )""",
    """
    CREATE TABLE IF NOT EXISTS dmarc_sent (
      day        TEXT NOT NULL,
      domain     TEXT NOT NULL,
      report_id  TEXT NOT NULL,
      recipients TEXT NOT NULL,
      sent       INTEGER NOT NULL,
      PRIMARY KEY (day, domain)
    )""",
    """
    CREATE TABLE IF NOT EXISTS mailbox_read (
      mailbox      TEXT PRIMARY KEY,
      uid_validity INTEGER NOT NULL,
      last_uid     INTEGER NOT NULL
    )""",
  };

  private final Connection db;
  private final ReentrantLock lock = new ReentrantLock();
  private final Path file;

  private SqliteReportStore(Path file, Connection db) {
    this.file = file;
    this.db = db;
  }

  /** Opens (creating when missing) {@code dataDir/reports.db}. */
  public static SqliteReportStore open(Path dataDir) throws ReportException {
    Path file = dataDir.resolve(FILE_NAME);
    try {
      return new SqliteReportStore(file, SqliteFiles.open(file, c -> {
        int version = SqliteFiles.schemaVersion(c, SCHEMA_VERSION, file.toString());
        try (Statement st = c.createStatement()) {
          st.execute("PRAGMA foreign_keys = ON");
          if (version < SCHEMA_VERSION) {
            for (String sql : SCHEMA) {
              st.execute(sql);
            }
            st.execute("PRAGMA user_version = " + SCHEMA_VERSION);
          }
        }
      }));
    } catch (SQLException | IOException e) {
      throw new ReportException("cannot open " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public boolean addDmarc(DmarcReport r) throws ReportException {
    return write("store DMARC report " + r.reportId(), () -> {
      if (exists("SELECT 1 FROM dmarc_reports WHERE org = ? AND report_id = ?", r.org(), r.reportId())) {
        return false;
      }
      long id = insert("INSERT INTO dmarc_reports(org, report_id, email, domain, policy, begin_at, end_at, received)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", r.org(), r.reportId(), r.email(), r.domain(), r.policy(),
          r.begin().getEpochSecond(), r.end().getEpochSecond(), Instant.now().getEpochSecond());
      for (DmarcReport.Row row : r.rows()) {
        insert("INSERT INTO dmarc_records(report, source_ip, count, disposition, dkim, spf, header_from, dkim_auth,"
            + " spf_auth) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", id, row.sourceIp(), row.count(), row.disposition(),
            row.dkim(), row.spf(), row.headerFrom(), row.dkimAuth(), row.spfAuth());
      }
      return true;
    });
  }

  @Override
  public boolean addTls(TlsReport r) throws ReportException {
    return write("store TLS report " + r.reportId(), () -> {
      if (exists("SELECT 1 FROM tls_reports WHERE org = ? AND report_id = ?", r.org(), r.reportId())) {
        return false;
      }
      long id = insert("INSERT INTO tls_reports(org, report_id, contact, begin_at, end_at, received)"
          + " VALUES (?, ?, ?, ?, ?, ?)", r.org(), r.reportId(), r.contact(), r.begin().getEpochSecond(),
          r.end().getEpochSecond(), Instant.now().getEpochSecond());
      for (TlsReport.Policy p : r.policies()) {
        insert("INSERT INTO tls_policies(report, policy_type, domain, successes, failures) VALUES (?, ?, ?, ?, ?)",
            id, p.type(), p.domain(), p.successes(), p.failures());
        for (Map.Entry<String, Long> f : p.failuresByType().entrySet()) {
          insert("INSERT INTO tls_failures(report, domain, result_type, count) VALUES (?, ?, ?, ?)",
              id, p.domain(), f.getKey(), f.getValue());
        }
      }
      return true;
    });
  }

  @Override
  public List<DmarcSource> dmarcBySource(Optional<Set<String>> domains, Instant since) throws ReportException {
    Filter f = filter("r.domain", domains, since);
    return read("summarise DMARC reports", () -> {
      List<DmarcSource> out = new ArrayList<>();
      try (PreparedStatement ps = prepare("SELECT d.source_ip, SUM(d.count),"
              + " SUM(CASE WHEN d.dkim = 'pass' OR d.spf = 'pass' THEN d.count ELSE 0 END),"
              + " SUM(CASE WHEN d.dkim = 'pass' OR d.spf = 'pass' THEN 0 ELSE d.count END),"
              + " SUM(CASE WHEN d.spf = 'pass' THEN d.count ELSE 0 END),"
              + " SUM(CASE WHEN d.dkim = 'pass' THEN d.count ELSE 0 END)"
              + " FROM dmarc_records d JOIN dmarc_reports r ON r.id = d.report WHERE " + f.where
              + " GROUP BY d.source_ip ORDER BY 2 DESC, 1", f.args);
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new DmarcSource(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6)));
        }
      }
      return out;
    });
  }

  @Override
  public List<DmarcDay> dmarcByDay(Optional<Set<String>> domains, Instant since) throws ReportException {
    Filter f = filter("r.domain", domains, since);
    return read("summarise DMARC reports by day", () -> {
      List<DmarcDay> out = new ArrayList<>();
      try (PreparedStatement ps = prepare("SELECT date(r.begin_at, 'unixepoch'), SUM(d.count),"
              + " SUM(CASE WHEN d.dkim = 'pass' OR d.spf = 'pass' THEN d.count ELSE 0 END),"
              + " SUM(CASE WHEN d.dkim = 'pass' OR d.spf = 'pass' THEN 0 ELSE d.count END)"
              + " FROM dmarc_records d JOIN dmarc_reports r ON r.id = d.report WHERE " + f.where
              + " GROUP BY 1 ORDER BY 1", f.args);
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new DmarcDay(LocalDate.parse(rs.getString(1)), rs.getLong(2), rs.getLong(3), rs.getLong(4)));
        }
      }
      return out;
    });
  }

  @Override
  public List<TlsSummary> tlsByDomain(Optional<Set<String>> domains, Instant since) throws ReportException {
    Filter f = filter("p.domain", domains, since);
    return read("summarise TLS reports", () -> {
      Map<String, long[]> totals = new LinkedHashMap<>();
      try (PreparedStatement ps = prepare("SELECT p.domain, SUM(p.successes), SUM(p.failures)"
              + " FROM tls_policies p JOIN tls_reports r ON r.id = p.report WHERE " + f.where
              + " GROUP BY p.domain ORDER BY p.domain", f.args);
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          totals.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3)});
        }
      }
      Map<String, Map<String, Long>> byType = new LinkedHashMap<>();
      try (PreparedStatement ps = prepare("SELECT p.domain, p.result_type, SUM(p.count)"
              + " FROM tls_failures p JOIN tls_reports r ON r.id = p.report WHERE " + f.where
              + " GROUP BY p.domain, p.result_type ORDER BY 3 DESC, 2", f.args);
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          byType.computeIfAbsent(rs.getString(1), k -> new LinkedHashMap<>()).put(rs.getString(2), rs.getLong(3));
        }
      }
      List<TlsSummary> out = new ArrayList<>();
      totals.forEach((d, t) -> out.add(new TlsSummary(d, t[0], t[1], Map.copyOf(byType.getOrDefault(d, Map.of())))));
      return out;
    });
  }

  @Override
  public long[] reportCounts(Optional<Set<String>> domains, Instant since) throws ReportException {
    Filter dmarc = filter("r.domain", domains, since);
    Filter tls = filter("p.domain", domains, since);
    return read("count reports", () -> new long[] {
      count("SELECT COUNT(*) FROM dmarc_reports r WHERE " + dmarc.where, dmarc.args),
      count("SELECT COUNT(DISTINCT r.id) FROM tls_reports r JOIN tls_policies p ON p.report = r.id WHERE " + tls.where,
          tls.args)});
  }

  @Override
  public void observe(LocalDate day, DmarcObservation o) throws ReportException {
    write("count a DMARC evaluation", () -> {
      update("INSERT INTO dmarc_seen(day, policy_domain, header_from, source_ip, envelope_from, spf_domain, spf_result,"
          + " dkim_auth, spf_aligned, dkim_aligned, disposition, count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)"
          + " ON CONFLICT DO UPDATE SET count = count + 1", day.toString(), o.policyDomain(), o.headerFrom(),
          o.sourceIp(), o.envelopeFrom(), o.spfDomain(), o.spfResult(), o.dkimAuth(), o.spfAligned() ? 1 : 0,
          o.dkimAligned() ? 1 : 0, o.disposition());
      return null;
    });
  }

  @Override
  public List<String> observedDomains(LocalDate day) throws ReportException {
    return read("list observed domains", () -> {
      List<String> out = new ArrayList<>();
      try (PreparedStatement ps = prepare("SELECT DISTINCT policy_domain FROM dmarc_seen WHERE day = ? ORDER BY 1",
              day.toString());
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
      return out;
    });
  }

  @Override
  public List<Observed> observed(LocalDate day, String policyDomain) throws ReportException {
    return read("list observed evaluations", () -> {
      List<Observed> out = new ArrayList<>();
      try (PreparedStatement ps = prepare("SELECT policy_domain, header_from, source_ip, envelope_from, spf_domain,"
              + " spf_result, dkim_auth, spf_aligned, dkim_aligned, disposition, count FROM dmarc_seen"
              + " WHERE day = ? AND policy_domain = ? ORDER BY source_ip, header_from", day.toString(), policyDomain);
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Observed(new DmarcObservation(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
              rs.getString(5), rs.getString(6), rs.getString(7), rs.getInt(8) != 0, rs.getInt(9) != 0,
              rs.getString(10)), rs.getLong(11)));
        }
      }
      return out;
    });
  }

  @Override
  public boolean markSent(LocalDate day, String domain, String reportId, String recipients) throws ReportException {
    return write("record a sent report", () -> update("INSERT OR IGNORE INTO dmarc_sent(day, domain, report_id,"
        + " recipients, sent) VALUES (?, ?, ?, ?, ?)", day.toString(), domain, reportId, recipients,
        Instant.now().getEpochSecond()) > 0);
  }

  @Override
  public boolean sent(LocalDate day, String domain) throws ReportException {
    return read("look up a sent report", () -> exists("SELECT 1 FROM dmarc_sent WHERE day = ? AND domain = ?",
        day.toString(), domain));
  }

  @Override
  public long lastUid(String mailbox, long uidValidity) throws ReportException {
    return read("read the reports mailbox position", () -> {
      try (PreparedStatement ps = prepare("SELECT last_uid FROM mailbox_read WHERE mailbox = ? AND uid_validity = ?",
              mailbox, uidValidity);
          ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0L;
      }
    });
  }

  @Override
  public void setLastUid(String mailbox, long uidValidity, long uid) throws ReportException {
    write("record the reports mailbox position", () -> update("INSERT INTO mailbox_read(mailbox, uid_validity, last_uid)"
        + " VALUES (?, ?, ?) ON CONFLICT(mailbox) DO UPDATE SET uid_validity = excluded.uid_validity,"
        + " last_uid = excluded.last_uid", mailbox, uidValidity, uid));
  }

  @Override
  public void close() {
    SqliteFiles.close(db, lock);
  }

  // ---- helpers ----

  private record Filter(String where, Object[] args) {}

  /** {@code column IN (domains…) AND r.end_at >= since}, or only the time when every domain counts. */
  private static Filter filter(String column, Optional<Set<String>> domains, Instant since) {
    List<Object> args = new ArrayList<>();
    StringBuilder where = new StringBuilder("r.end_at >= ?");
    args.add(since.getEpochSecond());
    if (domains.isPresent()) {
      if (domains.get().isEmpty()) {
        return new Filter("0", new Object[0]);
      }
      where.append(" AND ").append(column).append(" IN (").append("?, ".repeat(domains.get().size() - 1)).append("?)");
      args.addAll(domains.get().stream().sorted().toList());
    }
    return new Filter(where.toString(), args.toArray());
  }

  @FunctionalInterface
  private interface Work<T> {
    T run() throws SQLException;
  }

  private <T> T read(String what, Work<T> work) throws ReportException {
    lock.lock();
    try {
      return work.run();
    } catch (SQLException e) {
      throw new ReportException(file + ": cannot " + what + ": " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }

  private <T> T write(String what, Work<T> work) throws ReportException {
    lock.lock();
    try {
      db.setAutoCommit(false);
      try {
        T result = work.run();
        db.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        db.rollback();
        throw e;
      } finally {
        db.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new ReportException(file + ": cannot " + what + ": " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }

  private PreparedStatement prepare(String sql, Object... args) throws SQLException {
    PreparedStatement ps = db.prepareStatement(sql);
    for (int i = 0; i < args.length; i++) {
      ps.setObject(i + 1, args[i]);
    }
    return ps;
  }

  private boolean exists(String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = prepare(sql, args); ResultSet rs = ps.executeQuery()) {
      return rs.next();
    }
  }

  private long count(String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = prepare(sql, args); ResultSet rs = ps.executeQuery()) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  private int update(String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = prepare(sql, args)) {
      return ps.executeUpdate();
    }
  }

  private long insert(String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = prepare(sql, args)) {
      ps.executeUpdate();
    }
    try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT last_insert_rowid()")) {
      return rs.getLong(1);
    }
  }
}
