package dev.postamt.cli;

import dev.postamt.migrate.ImapMigration;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code postamt migrate imap --from URL --user U --password P --to ADDRESS [--insecure]}: copy another
 * server's mailbox, resumable and incremental; the logic is {@link dev.postamt.admin.TransferAdmin}.
 */
@Command(name = "migrate", description = "Copy mail from another server (migrate imap), or this installation's"
    + " state between SQLite and PostgreSQL (migrate --to|--from postgresql://…).", subcommands = {MigrateCommand.Imap.class})
final class MigrateCommand extends AdminCommand {
  @Option(names = "--to", paramLabel = "URL", description = "copy the SQLite state under data_dir into this empty"
      + " PostgreSQL database (postgresql://user:password@host:5432/db)")
  String to;

  @Option(names = "--from", paramLabel = "URL", description = "copy the state in this PostgreSQL database into the"
      + " SQLite files under data_dir (the reverse, for a backup)")
  String from;

  @Override
  public Integer call() {
    if ((to == null) == (from == null)) {
      throw new CliException("migrate: give --to postgresql://… or --from postgresql://… (or use migrate imap)");
    }
    java.util.List<dev.postamt.admin.DatabaseMigration.Counted> rows = to != null
        ? admin().databaseMigration().toPostgres(to)
        : admin().databaseMigration().fromPostgres(from);
    boolean ok = true;
    for (dev.postamt.admin.DatabaseMigration.Counted c : rows) {
      out().println(String.format(Locale.ROOT, "%-36s %8d rows  %8d copied  %s", c.table(), c.from(), c.to(),
          c.matches() ? "ok" : "MISMATCH"));
      ok &= c.matches();
    }
    if (!ok) {
      throw new CliException("migrate: the row counts differ; the copy is not complete");
    }
    return print("copied " + rows.size() + " tables " + (to != null ? "into PostgreSQL" : "into SQLite") + "; counts verified");
  }

  @Command(name = "imap", description = "Copy every folder of a mailbox on another IMAP server with flags, keywords"
      + " and dates; run it again to copy only what is new and update changed flags.")
  static final class Imap extends AdminCommand {
    @Option(names = "--from", required = true, paramLabel = "URL", description = "imaps://host[:port] (or imap:// with STARTTLS)")
    String from;

    @Option(names = "--user", required = true, paramLabel = "U", description = "login on the other server")
    String user;

    @Option(names = "--password", required = true, paramLabel = "P", description = "password on the other server")
    String password;

    @Option(names = "--to", required = true, paramLabel = "ADDRESS", description = "the local user")
    String to;

    @Option(names = "--insecure", description = "accept a certificate that does not verify (self-signed)")
    boolean insecure;

    @Override
    public Integer call() {
      ImapMigration.Report r = admin().transfers().migrateImap(from, user, password, to, insecure);
      r.notes().forEach(out()::println);
      for (ImapMigration.FolderResult f : r.folders()) {
        out().println(String.format(Locale.ROOT, "%-24s %6d on source  %6d copied  %6d flags updated",
            f.folder(), f.sourceMessages(), f.copied(), f.flagsUpdated()));
      }
      return print("migrated: " + r.copied() + " messages copied, " + r.flagsUpdated() + " flag changes, "
          + r.folders().size() + " folders");
    }
  }
}
