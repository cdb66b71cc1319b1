package dev.postamt.cli;

import dev.postamt.admin.MailboxAdmin.MailboxStatus;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code postamt store reindex|status}: the mail store of one user (like {@code doveadm force-resync}). */
@Command(name = "store", description = "Mailbox store maintenance.")
final class StoreCommand extends AdminGroup {

  @Command(
      name = "reindex",
      description = "Bring a user's index in line with the Maildir files; --renumber rebuilds every UID.")
  Integer reindex(
      @Parameters(paramLabel = "ADDRESS", description = "the user, e.g. alice@example.org") String address,
      @Option(names = "--renumber", description = "assign all UIDs afresh (new UIDVALIDITY; clients resync)") boolean renumber,
      @Mixin ConfigOption config) {
    return printMailboxes(admin(config).mailboxes().reindex(address, renumber));
  }

  @Command(name = "status", description = "List a user's mailboxes with message counts and UIDs.")
  Integer status(
      @Parameters(paramLabel = "ADDRESS", description = "the user, e.g. alice@example.org") String address,
      @Mixin ConfigOption config) {
    return printMailboxes(admin(config).mailboxes().status(address));
  }

  /** One line a mailbox: name, counts and UIDs. */
  private Integer printMailboxes(List<MailboxStatus> mailboxes) {
    return print(mailboxes.stream()
        .map(m -> String.format(Locale.ROOT, "%-24s messages %d unseen %d uidvalidity %d uidnext %d",
            m.name(), m.messages(), m.unseen(), m.uidValidity(), m.uidNext()))
        .toList());
  }
}
