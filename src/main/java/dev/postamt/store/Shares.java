package dev.postamt.store;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who may use whose mailboxes: the access control lists of RFC 4314, the accounts the administrator
 * made into shared (role) accounts, and the send-as grants checked at submission. One table for the
 * whole server (not one per user's index), so that a user finds what others share with them without
 * opening every store. The default backend is {@link SqliteShares} ({@code data_dir/shares.db}); with
 * {@code [database] url} naming PostgreSQL, {@link PgShares}, shared by every node.
 *
 * <p>Identifiers (the grantees of RFC 4314 §2): a user's address; {@code anyone} and {@code
 * authenticated} (the same here: every logged-in user, there is no anonymous login); {@code @domain}
 * for every user of that domain. Negative rights ({@code -identifier}, RFC 4314 §2) are not kept: a
 * server may refuse them, and this one does. Addresses and domains are kept in lower case.
 *
 * <p>The owner of a mailbox always holds every right ({@link Rights#ALL}); that is never stored.
 */
public interface Shares {
  String ANYONE = "anyone";
  String AUTHENTICATED = "authenticated";

  /** One entry: {@code grantee} holds {@code rights} on the owner's mailbox (its name in the owner's store). */
  record Grant(String owner, String mailbox, String grantee, Rights rights) {}

  /**
   * The identifier in its kept form (lower case), or empty when it is none this server knows: an
   * address, {@code anyone}, {@code authenticated}, or {@code @domain}.
   */
  static Optional<String> identifier(String id) {
    String v = id.strip().toLowerCase(Locale.ROOT);
    if (v.equals(ANYONE) || v.equals(AUTHENTICATED)) {
      return Optional.of(v);
    }
    int at = v.indexOf('@');
    if (at < 0 || at != v.lastIndexOf('@') || at == v.length() - 1 || v.contains(" ") || v.startsWith("-")) {
      return Optional.empty();
    }
    return Optional.of(v);
  }

  /** Whether the entry for {@code grantee} applies to {@code user} (an address). */
  static boolean appliesTo(String grantee, String user) {
    String u = user.toLowerCase(Locale.ROOT);
    return grantee.equals(u) || grantee.equals(ANYONE) || grantee.equals(AUTHENTICATED)
        || grantee.startsWith("@") && u.endsWith(grantee);
  }

  /** The shares {@code config} asks for: PostgreSQL when {@code [database] url} names it, else {@code shares.db}. */
  static Shares open(dev.postamt.config.Config config) {
    if (config.database().postgres().isPresent()) {
      return PgShares.open(dev.postamt.postgres.PgDatabase.of(config.database()));
    }
    return new SqliteShares(config.dataDir());
  }

  /**
   * Whether a send-as grant lets {@code user} send as {@code address} (submission's sender rule asks);
   * false when there is none or the grants cannot be read (the rule then refuses, as for any other
   * lookup failure).
   */
  static boolean sendAsGranted(dev.postamt.config.Config config, String user, String address) {
    try {
      return open(config).maySendAs(user, address);
    } catch (StoreException | dev.postamt.postgres.PgDatabase.Failure e) {
      return false;
    }
  }

  /** The entries of one mailbox, by grantee (the owner not among them). */
  Map<String, Rights> acl(String owner, String mailbox);

  /** Sets (replaces) one entry; empty rights remove it. */
  void grant(String owner, String mailbox, String grantee, Rights rights);

  /** Removes one entry; false when there was none. */
  boolean revoke(String owner, String mailbox, String grantee);

  /** Every entry that applies to {@code user} in other users' mailboxes. */
  List<Grant> sharedWith(String user);

  /** Every entry on the owner's mailboxes. */
  List<Grant> ownedBy(String owner);

  /** The rights {@code user} holds on the owner's mailbox: all for the owner, else the union of the entries that apply. */
  default Rights rightsOf(String user, String owner, String mailbox) {
    if (user.equalsIgnoreCase(owner)) {
      return Rights.ALL;
    }
    Rights r = Rights.NONE;
    for (Map.Entry<String, Rights> e : acl(owner, mailbox).entrySet()) {
      if (appliesTo(e.getKey(), user)) {
        r = r.plus(e.getValue());
      }
    }
    return r;
  }

  /** A mailbox was renamed: its entries and those of its children follow it. */
  void renamed(String owner, String from, String to);

  /** A mailbox was deleted: its entries go (RFC 4314 §3: a new mailbox of that name starts without them). */
  void deleted(String owner, String mailbox);

  /** Marks (or unmarks) an account as shared: its mailboxes appear under {@code Shared/} instead of {@code Other Users/}. */
  void markShared(String address, boolean shared);

  Set<String> sharedAccounts();

  /** Lets {@code user} send as {@code address} (or takes it back). */
  void allowSendAs(String address, String user, boolean allowed);

  /** The users that may send as {@code address}. */
  Set<String> sendAs(String address);

  /** Whether {@code user} may send as {@code address} by a grant. */
  default boolean maySendAs(String user, String address) {
    return sendAs(address.toLowerCase(Locale.ROOT)).contains(user.toLowerCase(Locale.ROOT));
  }
}
