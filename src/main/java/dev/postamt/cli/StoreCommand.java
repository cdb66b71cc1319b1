package dev.postamt.cli;

import dev.postamt.config.Config;
import dev.postamt.store.Account;
import dev.postamt.store.MailStore;
import dev.postamt.store.MailboxInfo;
import dev.postamt.store.SqliteMailStore;
import dev.postamt.store.StoreException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code postamt store reindex|status}: the mail store of one user (like {@code doveadm force-resync}). */
@Command(
    name = "store",
    description = "Mailbox store maintenance.",
    subcommands = {StoreCommand.Reindex.class, StoreCommand.Status.class})
final class StoreCommand {

  @Command(
      name = "reindex",
      description = "Bring a user's index in line with the Maildir files; --renumber rebuilds every UID.")
  static final class Reindex implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "ADDRESS", description = "the user, e.g. alice@example.org")
    String address;

    @Option(names = "--renumber", description = "assign all UIDs afresh (new UIDVALIDITY; clients resync)")
    boolean renumber;

    @Override
    public Integer call() {
      Config c = config.load();
      try (MailStore store = new SqliteMailStore(c.dataDir())) {
        if (!store.exists(address)) {
          throw new CliException("no Maildir for " + address + " in " + c.dataDir());
        }
        store.reindex(address, renumber);
        printStatus(store, address, spec);
        return 0;
      } catch (StoreException e) {
        throw new CliException(e.getMessage());
      }
    }
  }

  @Command(name = "status", description = "List a user's mailboxes with message counts and UIDs.")
  static final class Status implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "ADDRESS", description = "the user, e.g. alice@example.org")
    String address;

    @Override
    public Integer call() {
      Config c = config.load();
      try (MailStore store = new SqliteMailStore(c.dataDir())) {
        if (!store.exists(address)) {
          throw new CliException("no Maildir for " + address + " in " + c.dataDir());
        }
        printStatus(store, address, spec);
        return 0;
      } catch (StoreException e) {
        throw new CliException(e.getMessage());
      }
    }
  }

  static void printStatus(MailStore store, String address, CommandSpec spec) {
    try (Account a = store.open(address)) {
      for (MailboxInfo m : a.mailboxes()) {
        Account.Status s = a.status(m.name());
        spec.commandLine().getOut().printf("%-24s messages %d unseen %d uidvalidity %d uidnext %d%n",
            m.name(), s.messages(), s.unseen(), m.uidValidity(), s.info().uidNext());
      }
    }
  }
}
