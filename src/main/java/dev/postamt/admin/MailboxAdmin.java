package dev.postamt.admin;

import dev.postamt.store.Account;
import dev.postamt.store.MailStore;
import dev.postamt.store.MailboxInfo;
import dev.postamt.store.Quota;
import dev.postamt.store.StoreException;
import dev.postamt.store.UserHome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Every administrative use of the mail store, in one place: creating a new user's Maildir, where a
 * removed user's mail stays, quota usage, and the index maintenance of {@code postamt store}. The
 * rest of {@code admin} reaches the store only through this class.
 */
public final class MailboxAdmin {
  private final dev.postamt.config.Config config;

  MailboxAdmin(dev.postamt.config.Config config) {
    this.config = config;
  }

  /** One mailbox of a user: its name, counts and UIDs. */
  public record MailboxStatus(String name, long messages, long unseen, long uidValidity, long uidNext) {}

  /** How much a user's mailboxes hold. */
  public record Usage(long bytes, long messages) {}

  /**
   * Creates the user's (empty) mail store, which other programs (IMAP, mutt) may look at before the
   * first message arrives, and returns where it is.
   */
  String createMailbox(String user) throws IOException {
    try (MailStore store = open()) {
      store.create(user);
      return store.location(user);
    }
  }

  /** Where the user's mail is (or would be), for messages to the administrator. */
  String location(String user) {
    try (MailStore store = open()) {
      return store.location(user);
    }
  }

  /** The user's home directory when something is left on disk. */
  Optional<Path> keptMail(String user) {
    Path home = UserHome.of(config, user);
    return Files.isDirectory(home) ? Optional.of(home) : Optional.empty();
  }

  /** The store, for the other admin classes that work on mail (import, export, migration). */
  MailStore store() {
    return open();
  }

  private MailStore open() {
    return MailStore.open(config);
  }

  /** What the user's mailboxes hold; a store fault is reported naming the user. */
  public Usage usage(String user) {
    try (MailStore store = open()) {
      Quota.Usage u = store.usage(user);
      return new Usage(u.bytes(), u.messages());
    } catch (StoreException e) {
      throw new AdminException("cannot read the mailbox usage of " + user + ": " + e.getMessage(), e);
    }
  }

  /**
   * Brings the user's index in line with the Maildir files (like {@code doveadm force-resync});
   * {@code renumber} assigns every UID afresh under a new UIDVALIDITY. Returns the mailboxes after.
   */
  public List<MailboxStatus> reindex(String address, boolean renumber) {
    requireMaildir(address);
    try (MailStore store = open()) {
      store.reindex(address, renumber);
      return status(store, address);
    } catch (StoreException e) {
      throw new AdminException(e.getMessage(), e);
    }
  }

  /** The user's mailboxes with message counts and UIDs. */
  public List<MailboxStatus> status(String address) {
    requireMaildir(address);
    try (MailStore store = open()) {
      return status(store, address);
    } catch (StoreException e) {
      throw new AdminException(e.getMessage(), e);
    }
  }

  private void requireMaildir(String address) {
    try (MailStore store = open()) {
      if (!store.exists(address)) {
        throw new AdminException("no Maildir for " + address + " in " + config.mailDir());
      }
    }
  }

  private static List<MailboxStatus> status(MailStore store, String address) {
    List<MailboxStatus> out = new ArrayList<>();
    try (Account a = store.open(address)) {
      for (MailboxInfo m : a.mailboxes()) {
        Account.Status s = a.status(m.name());
        out.add(new MailboxStatus(m.name(), s.messages(), s.unseen(), m.uidValidity(), s.info().uidNext()));
      }
    }
    return out;
  }
}
