package dev.postamt.admin;

import dev.postamt.config.Config;
import dev.postamt.directory.Address;
import dev.postamt.directory.Directory;
import dev.postamt.directory.DirectoryException;
import dev.postamt.store.Account;
import dev.postamt.store.MailStore;
import dev.postamt.store.MailboxNames;
import dev.postamt.store.Rights;
import dev.postamt.store.Shares;
import dev.postamt.store.StoreException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code postamt mailbox share|unshare|shares|send-as}: shared mailboxes set up by the administrator.
 * The shared address is an ordinary account of the directory (it receives mail like any user; its
 * password may simply be kept secret). Sharing one of its mailboxes makes it a shared account: its
 * mailboxes then appear to the users they are shared with under {@code Shared/ADDRESS/} instead of
 * {@code Other Users/ADDRESS/}. The rights are those of RFC 4314 (see {@link Rights}); the lists are
 * the same ones IMAP's SETACL changes ({@link Shares}).
 */
public final class ShareAdmin {
  /** What {@code --rights} means when left out: everything but administering the list. */
  public static final String DEFAULT_RIGHTS = "lrswipkxten";

  private final Config config;
  private final Path dataDir;

  ShareAdmin(Config config) {
    this.config = config;
    this.dataDir = config.dataDir();
  }

  /** One entry of a shared account's lists, for {@code postamt mailbox shares}. */
  public record Entry(String mailbox, String grantee, String rights) {}

  /**
   * Shares {@code mailbox} of {@code address} (created when missing) with {@code with}: a local user,
   * {@code anyone}, or a local domain ({@code example.org} or {@code @example.org}, every user of it).
   * Returns the entry as stored.
   */
  public Entry share(String address, String mailbox, String with, String rights) {
    String owner = user(address);
    String grantee = grantee(with);
    if (grantee.equals(owner)) {
      throw new AdminException(owner + " owns its mailboxes and has every right on them already");
    }
    Rights r;
    try {
      r = Rights.parse(rights == null ? DEFAULT_RIGHTS : rights);
    } catch (IllegalArgumentException e) {
      throw new AdminException(e.getMessage());
    }
    if (r.isEmpty()) {
      throw new AdminException("no rights given; use 'postamt mailbox unshare' to take a share back");
    }
    String name = MailboxNames.normalize(mailbox);
    try (MailStore store = MailStore.open(config); Account a = store.open(owner)) {
      if (a.mailbox(name).isEmpty()) {
        a.create(name, null);
      }
      Shares shares = store.shares();
      shares.markShared(owner, true);
      shares.grant(owner, name, grantee, r);
    } catch (StoreException e) {
      throw new AdminException("cannot share " + name + " of " + owner + ": " + e.getMessage(), e);
    }
    return new Entry(name, grantee, r.letters());
  }

  /** Takes a share back; an error when there was none. */
  public Entry unshare(String address, String mailbox, String with) {
    String owner = user(address);
    String grantee = grantee(with);
    String name = MailboxNames.normalize(mailbox);
    if (!shares().revoke(owner, name, grantee)) {
      throw new AdminException(name + " of " + owner + " is not shared with " + grantee);
    }
    return new Entry(name, grantee, "");
  }

  /** Every entry on the account's mailboxes, then one {@code send-as} line per user allowed to send as it. */
  public List<Entry> shares(String address) {
    String owner = user(address);
    List<Entry> out = new ArrayList<>();
    for (Shares.Grant g : shares().ownedBy(owner)) {
      out.add(new Entry(g.mailbox(), g.grantee(), g.rights().letters()));
    }
    for (String u : shares().sendAs(owner)) {
      out.add(new Entry("", u, "send-as"));
    }
    return out;
  }

  /** Lets {@code user} (a local user) send as {@code address} at submission, or takes that back. */
  public void sendAs(String address, String user, boolean allowed) {
    String owner = user(address);
    String grantee = user(user);
    if (!allowed && !shares().sendAs(owner).contains(grantee)) {
      throw new AdminException(grantee + " may not send as " + owner + " now");
    }
    shares().allowSendAs(owner, grantee, allowed);
  }

  private Shares shares() {
    return Shares.open(config);
  }

  /** A local user's normalised address, or the one-line reason it is none. */
  private String user(String address) {
    try (Directory dir = Directory.open(config)) {
      String a = Address.parse(address).toString();
      if (!dir.userExists(a)) {
        throw new AdminException("no such user: " + a + " (add it first with 'postamt user add')");
      }
      return a;
    } catch (DirectoryException e) {
      throw new AdminException(e.getMessage(), e);
    }
  }

  private String grantee(String with) {
    String w = with.strip().toLowerCase(Locale.ROOT);
    if (w.equals(Shares.ANYONE) || w.equals(Shares.AUTHENTICATED)) {
      return w;
    }
    if (w.indexOf('@') > 0) {
      return user(w);
    }
    String domain = w.startsWith("@") ? w.substring(1) : w;
    try (Directory dir = Directory.open(config)) {
      String d = Address.parseDomain(domain);
      if (!dir.isLocalDomain(d)) {
        throw new AdminException("not a user, 'anyone' or a local domain: " + with);
      }
      return "@" + d;
    } catch (DirectoryException e) {
      throw new AdminException(e.getMessage(), e);
    }
  }
}
