package dev.postamt.cli;

import dev.postamt.admin.MailboxAdmin.MailboxStatus;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code postamt store reindex|status}: the mail store of one user (like {@code doveadm force-resync}). */
@Command(
    name = "store",
    description = "Mailbox store maintenance.",
    subcommands = {StoreCommand.Reindex.class, StoreCommand.Status.class})
final class StoreCommand {

  /** The ADDRESS both subcommands take. */
  abstract static class OneUser extends AdminCommand {
    @Parameters(paramLabel = "ADDRESS", description = "the user, e.g. alice@example.org")
    String address;

    /** One line a mailbox: name, counts and UIDs. */
    Integer printMailboxes(List<MailboxStatus> mailboxes) {
      return print(mailboxes.stream()
          .map(m -> String.format(Locale.ROOT, "%-24s messages %d unseen %d uidvalidity %d uidnext %d",
              m.name(), m.messages(), m.unseen(), m.uidValidity(), m.uidNext()))
          .toList());
    }
  }

  @Command(
      name = "reindex",
      description = "Bring a user's index in line with the Maildir files; --renumber rebuilds every UID.")
  static final class Reindex extends OneUser {
    @Option(names = "--renumber", description = "assign all UIDs afresh (new UIDVALIDITY; clients resync)")
    boolean renumber;

    @Override
    public Integer call() {
      return printMailboxes(admin().mailboxes().reindex(address, renumber));
    }
  }

  @Command(name = "status", description = "List a user's mailboxes with message counts and UIDs.")
  static final class Status extends OneUser {
    @Override
    public Integer call() {
      return printMailboxes(admin().mailboxes().status(address));
    }
  }
}
