package dev.postamt.admin;

import dev.postamt.ban.PgBanList;
import dev.postamt.ban.SqliteBanList;
import dev.postamt.config.Config;
import dev.postamt.config.DataDirLock;
import dev.postamt.config.Database;
import dev.postamt.policy.PgGreylistStore;
import dev.postamt.policy.SqliteGreylistStore;
import dev.postamt.postgres.PgDatabase;
import dev.postamt.postgres.TableCopy;
import dev.postamt.sieve.store.PgSieveScripts;
import dev.postamt.sieve.store.PgVacations;
import dev.postamt.sieve.store.SieveScripts;
import dev.postamt.sieve.store.SieveStoreException;
import dev.postamt.sieve.store.SqliteSieveScripts;
import dev.postamt.sieve.store.SqliteVacations;
import dev.postamt.web.session.PgWebSessions;
import dev.postamt.web.session.SqliteWebSessions;
import dev.postamt.web.session.WebSessions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code postamt migrate --to postgresql://…}: copies the state kept in SQLite files under {@code data_dir}
 * into an empty PostgreSQL database, then counts the rows on both sides; {@code --from postgresql://…} is
 * the reverse, into an installation without that state yet. The server must be stopped (the copy is a
 * snapshot). Each owner first brings both sides to its current schema by opening them as the server does.
 *
 * <p>Copied today: bans, greylisting, web sessions and tokens, Sieve scripts, vacation replies, Bayes counts,
 * spam checksums, the spam white- and blacklists, the quarantine index (its message files stay where they are).
 * the mailbox indexes (every user's {@code index.db}, {@link dev.postamt.store.MailIndexCopy}), the directory,
 * JMAP records, the trail, collected accounts, TLS and DMARC report state (see docs/postgresql.md).
 */
public final class DatabaseMigration {
  /** One table's rows on each side after the copy. */
  public record Counted(String table, long from, long to) {
    public boolean matches() {
      return from == to;
    }
  }

  /** One kind of state: its SQLite file under data_dir, its tables (SQLite name, PostgreSQL name). */
  private record Owner(String what, String file, List<String[]> tables, Opener sqlite, PgOpener postgres) {}

  @FunctionalInterface
  private interface Opener {
    void open(Config config) throws Exception;
  }

  @FunctionalInterface
  private interface PgOpener {
    void open(PgDatabase db) throws Exception;
  }

  private static final List<Owner> OWNERS = List.of(
      new Owner("bans", SqliteBanList.FILE_NAME, List.<String[]>of(new String[] {"ban", "ban"}),
          c -> SqliteBanList.open(c.dataDir()).close(), db -> PgBanList.open(db).close()),
      new Owner("greylist", SqliteGreylistStore.FILE_NAME,
          List.of(new String[] {"triplet", "greylist_triplet"}, new String[] {"client", "greylist_client"}),
          c -> SqliteGreylistStore.open(c.dataDir()).close(), db -> PgGreylistStore.open(db).close()),
      new Owner("web sessions", "web/sessions.db",
          List.of(new String[] {"web_sessions", "web_sessions"}, new String[] {"web_tokens", "web_tokens"}),
          c -> new SqliteWebSessions(c.dataDir().resolve("web/sessions.db"), WebSessions.IDLE, WebSessions.MAX_AGE).close(),
          db -> new PgWebSessions(db, WebSessions.IDLE, WebSessions.MAX_AGE).close()),
      new Owner("sieve scripts", SqliteSieveScripts.FILE_NAME,
          List.of(new String[] {"sieve_scripts", "sieve_scripts"}, new String[] {"sieve_users", "sieve_users"}),
          c -> SqliteSieveScripts.open(c.dataDir()).close(), db -> PgSieveScripts.open(db, SieveScripts.Limits.DEFAULTS).close()),
      new Owner("bayes", dev.postamt.filter.bayes.SqliteBayesStore.FILE_NAME,
          List.of(new String[] {"scope", "bayes_scope"}, new String[] {"token", "bayes_token"},
              new String[] {"learned", "bayes_learned"}),
          c -> dev.postamt.filter.bayes.SqliteBayesStore.open(c.dataDir()).close(),
          db -> dev.postamt.filter.bayes.PgBayesStore.open(db).close()),
      new Owner("mailbox shares", dev.postamt.store.SqliteShares.FILE_NAME, dev.postamt.store.PgShares.TABLES,
          c -> dev.postamt.store.SqliteShares.create(c.dataDir()), dev.postamt.store.PgShares::open),
      new Owner("vacation replies", SqliteVacations.FILE_NAME, List.<String[]>of(new String[] {"vacations", "vacations"}),
          c -> SqliteVacations.open(c.dataDir()).close(), db -> PgVacations.open(db).close()),
      new Owner("checksums", dev.postamt.filter.checksum.SqliteChecksumStore.FILE_NAME,
          List.of(new String[] {"checksum", "checksum"}, new String[] {"band", "checksum_band"}),
          c -> dev.postamt.filter.checksum.SqliteChecksumStore.open(c.dataDir()).close(),
          db -> dev.postamt.filter.checksum.PgChecksumStore.open(db).close()),
      new Owner("spam lists", dev.postamt.filter.lists.SqliteSpamLists.FILE_NAME,
          List.of(new String[] {"entry", "spamlist_entry"}, new String[] {"written", "spamlist_written"}),
          c -> dev.postamt.filter.lists.SqliteSpamLists.open(c.dataDir()).close(),
          db -> dev.postamt.filter.lists.PgSpamLists.open(db).close()),
      // the index only: the held messages' files stay in data_dir/quarantine/messages, where both backends read them
      new Owner("quarantine", "quarantine/quarantine.db", List.<String[]>of(new String[] {"held", "quarantine_held"}),
          c -> new dev.postamt.quarantine.SqliteQuarantine(c.dataDir().resolve("quarantine")),
          db -> dev.postamt.quarantine.PgQuarantine.open(db, Path.of("quarantine"))),
      // parents before children: PostgreSQL checks the foreign keys as the rows go in
      new Owner("directory", dev.postamt.directory.Directory.FILE_NAME,
          java.util.stream.Stream.of("domains", "users", "aliases", "domain_admins", "app_passwords", "masks")
              .map(t -> new String[] {t, t}).toList(),
          c -> dev.postamt.directory.Directory.open(c.dataDir()).close(),
          db -> dev.postamt.directory.Directory.open(db).close()),
      new Owner("jmap records", dev.postamt.jmap.SqliteJmapRecords.FILE_NAME,
          List.of(new String[] {"objects", "jmap_objects"}, new String[] {"counters", "jmap_counters"},
              new String[] {"threads", "jmap_threads"}),
          c -> dev.postamt.jmap.SqliteJmapRecords.open(c.dataDir()).close(),
          db -> dev.postamt.jmap.PgJmapRecords.open(db).close()),
      new Owner("trail", "trail.db",
          List.of(new String[] {"trail", "trail"}, new String[] {"trail_address", "trail_address"}),
          c -> dev.postamt.events.SqliteTrailStore.open(c.dataDir()).close(),
          db -> dev.postamt.events.PgTrailStore.open(db).close()),
      new Owner("collected accounts", dev.postamt.collect.SqliteCollectAccounts.FILE_NAME,
          List.of(new String[] {"account", "collect_account"}, new String[] {"seen", "collect_seen"},
              new String[] {"pending", "collect_pending"}),
          c -> dev.postamt.collect.SqliteCollectAccounts.open(c.dataDir()).close(),
          db -> dev.postamt.collect.PgCollectAccounts.open(db).close()),
      new Owner("tls reports", dev.postamt.tlsrpt.SqliteTlsReports.FILE_NAME,
          List.<String[]>of(new String[] {"outcome", "tlsrpt_outcome"}),
          c -> dev.postamt.tlsrpt.SqliteTlsReports.open(c.dataDir(), java.time.Clock.systemUTC()).close(),
          db -> dev.postamt.tlsrpt.PgTlsReports.open(db, java.time.Clock.systemUTC()).close()),
      new Owner("reports", dev.postamt.reports.SqliteReportStore.FILE_NAME,
          List.of(new String[] {"dmarc_reports", "dmarc_reports"}, new String[] {"dmarc_records", "dmarc_records"},
              new String[] {"tls_reports", "tls_reports"}, new String[] {"tls_policies", "tls_policies"},
              new String[] {"tls_failures", "tls_failures"}, new String[] {"dmarc_seen", "dmarc_seen"},
              new String[] {"dmarc_sent", "dmarc_sent"}, new String[] {"mailbox_read", "reports_mailbox_read"}),
          c -> dev.postamt.reports.SqliteReportStore.open(c.dataDir()).close(),
          db -> dev.postamt.reports.PgReportStore.open(db).close()));

  private final Config config;

  DatabaseMigration(Config config) {
    this.config = config;
  }

  /** Copies SQLite → PostgreSQL at {@code url}; the target's tables must be empty. */
  public List<Counted> toPostgres(String url) {
    return copy(url, true);
  }

  /** Copies PostgreSQL at {@code url} → the SQLite files under data_dir; those tables must be empty. */
  public List<Counted> fromPostgres(String url) {
    return copy(url, false);
  }

  private List<Counted> copy(String url, boolean toPostgres) {
    if (config.store().blobsInDatabase()) {
      // the index files written (or read) here sit beside Maildir files, which this choice does not have
      throw new AdminException("migrate copies the mailbox indexes of Maildir files, but with [store] blobs ="
          + " \"postgresql\" the messages are in the database: move mailboxes with postamt export/import instead");
    }
    Database.Postgres target;
    try {
      target = Database.Postgres.parse(url);
    } catch (IllegalArgumentException e) {
      throw new AdminException((toPostgres ? "--to" : "--from") + ": " + url.replaceAll(":[^:@/]*@", ":***@") + " "
          + e.getMessage());
    }
    if (DataDirLock.runningServer(config.dataDir()).isPresent()) {
      throw new AdminException("stop the server first: the copy is a snapshot of " + config.dataDir());
    }
    PgDatabase pg;
    try {
      pg = PgDatabase.of(target, 2);
    } catch (PgDatabase.Failure e) {
      throw new AdminException(e.getMessage(), e);
    }
    List<Counted> out = new ArrayList<>();
    try {
      for (Owner o : OWNERS) {
        Path file = config.dataDir().resolve(o.file());
        if (toPostgres && !Files.exists(file)) {
          o.postgres().open(pg);
          continue;
        }
        o.sqlite().open(config);
        o.postgres().open(pg);
        try (Connection sqlite = DriverManager.getConnection("jdbc:sqlite:" + file); Connection pc = pg.connection()) {
          Connection from = toPostgres ? sqlite : pc;
          Connection to = toPostgres ? pc : sqlite;
          for (String[] t : o.tables()) {
            String fromTable = toPostgres ? t[0] : t[1];
            String toTable = toPostgres ? t[1] : t[0];
            long already = TableCopy.count(to, toTable);
            if (already > 0) {
              throw new AdminException(o.what() + ": " + (toPostgres ? "PostgreSQL" : file) + " table " + toTable
                  + " already has " + already + " rows; copy into an empty one");
            }
          }
          for (String[] t : o.tables()) {
            String fromTable = toPostgres ? t[0] : t[1];
            String toTable = toPostgres ? t[1] : t[0];
            TableCopy.copy(from, fromTable, to, toTable);
            out.add(new Counted(o.what() + ": " + toTable, TableCopy.count(from, fromTable), TableCopy.count(to, toTable)));
          }
        }
      }
      // the mailbox indexes: one SQLite file per user, all in the same PostgreSQL tables
      for (dev.postamt.store.MailIndexCopy.Counted c : toPostgres
          ? dev.postamt.store.MailIndexCopy.toPostgres(config.mailDir(), pg)
          : dev.postamt.store.MailIndexCopy.fromPostgres(pg, config.mailDir())) {
        out.add(new Counted("mailbox index: " + c.table(), c.from(), c.to()));
      }
    } catch (SQLException e) {
      throw new AdminException("copy failed: " + e.getMessage(), e);
    } catch (AdminException e) {
      throw e;
    } catch (IOException | SieveStoreException | RuntimeException e) {
      throw new AdminException("copy failed: " + e.getMessage(), e);
    } catch (Exception e) {
      throw new AdminException("copy failed: " + e, e);
    } finally {
      pg.close();
    }
    return out;
  }
}
