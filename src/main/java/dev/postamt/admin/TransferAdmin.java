package dev.postamt.admin;

import dev.postamt.store.MailStore;
import dev.postamt.store.StoreException;
import dev.postamt.transfer.MailboxTransfer;
import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code postamt import ADDRESS mbox|maildir PATH} and {@code postamt export ADDRESS mbox|maildir PATH}
 * for an existing user, beside a running server or not; the work is in {@code dev.postamt.transfer}.
 */
public final class TransferAdmin {
  private final Admin admin;

  TransferAdmin(Admin admin) {
    this.admin = admin;
  }

  public static MailboxTransfer.Format format(String word) {
    return MailboxTransfer.Format.of(word)
        .orElseThrow(() -> new AdminException("unknown format \"" + word + "\": use mbox or maildir"));
  }

  public MailboxTransfer.Report importMail(String address, String format, Path path) {
    MailboxTransfer.Format f = format(format);
    String user = requireUser(address);
    try (MailStore store = admin.mailboxes().store()) {
      return MailboxTransfer.importInto(store, user, f, path);
    } catch (IOException | StoreException e) {
      throw new AdminException("import into " + user + " stopped: " + e.getMessage(), e);
    }
  }

  public MailboxTransfer.Report exportMail(String address, String format, Path path) {
    MailboxTransfer.Format f = format(format);
    String user = requireUser(address);
    try (MailStore store = admin.mailboxes().store()) {
      return MailboxTransfer.export(store, user, f, path);
    } catch (IOException | StoreException e) {
      throw new AdminException("export of " + user + " stopped: " + e.getMessage(), e);
    }
  }

  /**
   * {@code postamt migrate imap}: copies a mailbox from another IMAP server into {@code address}, resumable
   * and incremental (progress under {@code data_dir/migrate}).
   */
  public dev.postamt.migrate.ImapMigration.Report migrateImap(
      String from, String login, String password, String address, boolean insecure) {
    String user = requireUser(address);
    java.net.URI url;
    try {
      url = new java.net.URI(from);
    } catch (java.net.URISyntaxException e) {
      throw new AdminException("--from must be imaps://host[:port], got " + from);
    }
    try (MailStore store = admin.mailboxes().store()) {
      return dev.postamt.migrate.ImapMigration.run(store, user, url, login, password, insecure,
          admin.config().dataDir().resolve("migrate"));
    } catch (IOException | StoreException e) {
      throw new AdminException("migration into " + user + " stopped: " + e.getMessage()
          + " (run it again to go on from there)", e);
    }
  }

  String requireUser(String address) {
    String user = Admin.address(address);
    if (!admin.users().contains(user)) {
      throw new AdminException("user " + user + " does not exist");
    }
    return user;
  }
}
