package dev.postamt.imap;

import dev.postamt.store.Account;
import dev.postamt.store.MailStore;
import dev.postamt.store.MailboxInfo;
import dev.postamt.store.MailboxNames;
import dev.postamt.store.Rights;
import dev.postamt.store.Shares;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The namespaces of one session (RFC 2342) and where a mailbox name leads: the personal namespace
 * {@code ""} is the user's own store; {@code Other Users/<address>/<mailbox>} is another user's mailbox
 * shared with this one, {@code Shared/<address>/<mailbox>} a mailbox of a shared (role) account the
 * administrator set up ({@code postamt mailbox share}). Other users' accounts are opened once per
 * session and given back when it ends; they are the very {@link Account}s their owners' sessions use,
 * so flag changes and new messages reach both sides (and IDLE) at once.
 *
 * <p>RFC 4314 §4: without the {@code l} right (or {@code r}) a mailbox of someone else does not exist
 * for this user, so that names do not leak; with {@code l} but without the right a command needs the
 * answer is {@code NO [NOPERM]}.
 */
final class SharedMailboxes implements AutoCloseable {
  static final String OTHER_USERS = "Other Users";
  static final String SHARED = "Shared";
  static final String NAMESPACE_RESPONSE =
      "NAMESPACE ((\"\" \"/\")) ((\"" + OTHER_USERS + "/\" \"/\")) ((\"" + SHARED + "/\" \"/\"))";

  /**
   * Where a name leads: an account, the mailbox's name in it, and this user's rights there.
   *
   * @param owner the owning user, or null for the session's own account
   */
  record Target(Account account, String owner, String local, Rights rights) {
    boolean own() {
      return owner == null;
    }

    void require(char right, String what) throws ImapException {
      if (!rights.has(right)) {
        throw ImapException.no("NOPERM", "You lack the '" + right + "' right to " + what);
      }
    }
  }

  private final MailStore store;
  private final Shares shares;
  private final String user;
  private final Account own;
  /** Concurrent: a NOTIFY watch looks at other users' mailboxes from its own thread too. */
  private final Map<String, Account> opened = new java.util.concurrent.ConcurrentHashMap<>();

  SharedMailboxes(MailStore store, String user, Account own) {
    this.store = store;
    this.shares = store.shares();
    this.user = user.toLowerCase(Locale.ROOT);
    this.own = own;
  }

  Shares shares() {
    return shares;
  }

  String user() {
    return user;
  }

  /**
   * Whether a name lies in another user's or the shared namespace: {@code Other Users/} or {@code
   * Shared/} followed by an address. Anything else (a personal folder called {@code Shared/Projects},
   * say, from before) stays personal.
   */
  static boolean isForeign(String name) {
    String rest = name.startsWith(OTHER_USERS + "/") ? name.substring(OTHER_USERS.length() + 1)
        : name.startsWith(SHARED + "/") ? name.substring(SHARED.length() + 1) : null;
    if (rest == null) {
      return false;
    }
    int slash = rest.indexOf(MailboxNames.SEPARATOR);
    return (slash < 0 ? rest : rest.substring(0, slash)).indexOf('@') > 0;
  }

  /**
   * The target of {@code name} (Unicode, normalised). Foreign names must name an existing mailbox the
   * user may at least see; otherwise {@code NO [NONEXISTENT]}.
   */
  Target resolve(String name) throws ImapException {
    if (!isForeign(name)) {
      return new Target(own, null, name, Rights.ALL);
    }
    return resolveForeign(name, true);
  }

  /** Like {@link #resolve} but the foreign mailbox need not exist (CREATE); its rights are its parent's. */
  Target resolveForCreate(String name) throws ImapException {
    if (!isForeign(name)) {
      return new Target(own, null, name, Rights.ALL);
    }
    return resolveForeign(name, false);
  }

  private Target resolveForeign(String name, boolean mustExist) throws ImapException {
    ImapException none = ImapException.no("NONEXISTENT", "Mailbox doesn't exist: " + name);
    boolean sharedNs = name.startsWith(SHARED + "/");
    String rest = name.substring((sharedNs ? SHARED : OTHER_USERS).length() + 1);
    int slash = rest.indexOf(MailboxNames.SEPARATOR);
    if (slash <= 0 || slash == rest.length() - 1) {
      throw mustExist ? none : ImapException.no("NOPERM", "Only the owner creates top-level mailboxes of a user");
    }
    String owner = rest.substring(0, slash).toLowerCase(Locale.ROOT);
    String local = MailboxNames.normalize(rest.substring(slash + 1));
    if (owner.equals(user) || sharedNs != shares.sharedAccounts().contains(owner) || !store.exists(owner)) {
      throw none;
    }
    if (mustExist) {
      Rights r = shares.rightsOf(user, owner, local);
      if (!(r.has('l') || r.has('r')) || !store.mailboxExists(owner, local)) {
        throw none;
      }
      return new Target(account(owner), owner, local, r);
    }
    int parentEnd = local.lastIndexOf(MailboxNames.SEPARATOR);
    if (parentEnd < 0) {
      throw ImapException.no("NOPERM", "Only the owner creates top-level mailboxes of " + owner);
    }
    String parent = local.substring(0, parentEnd);
    Rights r = shares.rightsOf(user, owner, parent);
    if (!(r.has('l') || r.has('r')) || !store.mailboxExists(owner, parent)) {
      throw none;
    }
    return new Target(account(owner), owner, local, r);
  }

  private Account account(String owner) {
    return opened.computeIfAbsent(owner, store::open);
  }

  /** The account of {@code owner} as this session holds it (opened once, given back at the end). */
  Account accountOf(String owner) {
    return account(owner);
  }

  /** The wire-side (Unicode) name of an owner's mailbox in this session's namespaces. */
  String publicName(String owner, String local) {
    return (shares.sharedAccounts().contains(owner) ? SHARED : OTHER_USERS) + "/" + owner + "/" + local;
  }

  /** A mailbox of another user that LIST may show, with the user's rights on it, its owner and its name there. */
  record Visible(String name, MailboxInfo info, Rights rights, String owner, String local) {}

  /** The other users' mailboxes this user can see ({@code l} right, RFC 4314 §4), by their public name. */
  List<Visible> visible() {
    Map<String, Rights> rights = new HashMap<>();
    for (Shares.Grant g : shares.sharedWith(user)) {
      rights.merge(g.owner() + "\0" + g.mailbox(), g.rights(), Rights::plus);
    }
    Set<String> sharedAccounts = shares.sharedAccounts();
    List<Visible> out = new ArrayList<>();
    for (Map.Entry<String, Rights> e : rights.entrySet()) {
      if (!e.getValue().has('l')) {
        continue;
      }
      String owner = e.getKey().substring(0, e.getKey().indexOf('\0'));
      String local = e.getKey().substring(e.getKey().indexOf('\0') + 1);
      if (!store.mailboxExists(owner, local)) {
        continue;
      }
      Optional<MailboxInfo> info = account(owner).mailbox(local);
      if (info.isPresent()) {
        String ns = sharedAccounts.contains(owner) ? SHARED : OTHER_USERS;
        out.add(new Visible(ns + "/" + owner + "/" + local, info.get(), e.getValue(), owner, local));
      }
    }
    return out;
  }

  @Override
  public void close() {
    opened.values().forEach(Account::close);
    opened.clear();
  }
}
