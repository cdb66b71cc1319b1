package dev.postamt.cli;

import dev.postamt.admin.ShareAdmin;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code postamt mailbox share|unshare|shares|send-as}: mailboxes of a shared address (a team's {@code
 * info@}, say) that other users open in their mail program, and who may send as that address. The
 * rights are IMAP's (RFC 4314); users share their own folders themselves with their client's SETACL.
 */
@Command(name = "mailbox", description = "Shared mailboxes: share a mailbox of an address with users, and send-as grants.")
final class MailboxCommand extends AdminGroup {

  @Command(
      name = "share",
      description = "Share MAILBOX of ADDRESS (created when missing) with a user, a domain or anyone; users see it"
          + " under Shared/ADDRESS/MAILBOX.")
  Integer share(
      @Parameters(index = "0", paramLabel = "ADDRESS", description = "the shared account, a local user") String address,
      @Parameters(index = "1", paramLabel = "MAILBOX", description = "its mailbox, e.g. INBOX or Projects/2026") String mailbox,
      @Option(names = "--with", required = true, paramLabel = "WHO",
          description = "a local user's address, a local domain (every user of it), or anyone") String with,
      @Option(names = "--rights", paramLabel = "RIGHTS",
          description = "RFC 4314 rights: l lookup, r read, s seen, w flags, i insert, p post, k create,"
              + " x delete mailbox, t delete messages, e expunge, a administer, n annotate (default "
              + ShareAdmin.DEFAULT_RIGHTS + ")") String rights,
      @Option(names = "--send-as", description = "also let WHO (a user) send as ADDRESS") boolean sendAs,
      @Mixin ConfigOption config) {
    if (sendAs && with.indexOf('@') <= 0) {
      throw new CliException("--send-as needs a user's address as --with, not " + with);
    }
    ShareAdmin shares = admin(config).shares();
    ShareAdmin.Entry e = shares.share(address, mailbox, with, rights);
    if (sendAs) {
      shares.sendAs(address, with, true);
    }
    return print("shared " + e.mailbox() + " of " + address + " with " + e.grantee() + ": " + e.rights()
        + (sendAs ? " (and send-as)" : ""));
  }

  @Command(name = "unshare", description = "Take a share of MAILBOX of ADDRESS back from WHO.")
  Integer unshare(
      @Parameters(index = "0", paramLabel = "ADDRESS", description = "the shared account") String address,
      @Parameters(index = "1", paramLabel = "MAILBOX", description = "its mailbox") String mailbox,
      @Option(names = "--with", required = true, paramLabel = "WHO", description = "as given to share") String with,
      @Mixin ConfigOption config) {
    ShareAdmin.Entry e = admin(config).shares().unshare(address, mailbox, with);
    return print("unshared " + e.mailbox() + " of " + address + " from " + e.grantee());
  }

  @Command(name = "shares", description = "List the shares of ADDRESS's mailboxes: MAILBOX WHO RIGHTS, then send-as USER lines.")
  Integer shares(
      @Parameters(paramLabel = "ADDRESS", description = "the account") String address,
      @Mixin ConfigOption config) {
    List<ShareAdmin.Entry> all = admin(config).shares().shares(address);
    return print(all.stream()
        .map(e -> e.mailbox().isEmpty() ? "send-as " + e.grantee() : e.mailbox() + " " + e.grantee() + " " + e.rights())
        .toList());
  }

  @Command(name = "send-as", description = "Let USER send as ADDRESS at submission (MAIL FROM and From), or --revoke it.")
  Integer sendAs(
      @Parameters(index = "0", paramLabel = "ADDRESS", description = "the address to send as") String address,
      @Parameters(index = "1", paramLabel = "USER", description = "the local user allowed to") String user,
      @Option(names = "--revoke", description = "take the grant back") boolean revoke,
      @Mixin ConfigOption config) {
    admin(config).shares().sendAs(address, user, !revoke);
    return print((revoke ? "revoked: " : "granted: ") + user + " sends as " + address);
  }
}
