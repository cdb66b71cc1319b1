package dev.postamt.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One user's mail: the Maildir++ files plus the SQLite index ({@code <home>/index.db}) that gives them
 * UIDs, flags, MODSEQs and INTERNALDATEs. One instance per user per process, shared by all sessions
 * (see {@link MailStore#open}); every method holds the instance lock, and SQLite's own locking keeps
 * other processes (the CLI) consistent.
 *
 * <p>Order of writes, so that {@code kill -9} at any point loses nothing and never reuses a UID: message
 * files are written and fsync'd before the index row is committed; expunged files are removed before
 * their rows. {@link #open} reconciles both ways: files without rows get new UIDs, rows without files
 * are dropped.
 */
public final class Account implements AutoCloseable {
  /** The folders every account starts with, and their RFC 6154 attributes. */
  public static final Map<String, String> DEFAULT_FOLDERS =
      new LinkedHashMap<>(
          Map.of("Drafts", "\\Drafts", "Sent", "\\Sent", "Trash", "\\Trash", "Junk", "\\Junk", "Archive", "\\Archive"));

  /** How STORE combines the given flags with the present ones. */
  public enum FlagMode {
    ADD,
    REMOVE,
    REPLACE
  }

  /** Result of COPY/MOVE: the target UIDVALIDITY and the UIDs in source order (RFC 4315 COPYUID). */
  public record CopyResult(long uidValidity, List<Long> sourceUids, List<Long> targetUids) {}

  /** Result of APPEND (RFC 4315 APPENDUID). */
  public record AppendResult(long uidValidity, long uid) {}

  /** The counters STATUS reports. */
  public record Status(
      MailboxInfo info, long messages, long recent, long unseen, long size, long deleted) {}

  /** A point-in-time view of a mailbox. */
  public record Snapshot(MailboxInfo info, List<MessageRecord> messages) {}

  final MailStore owner;
  final String user;
  private final MaildirFolders maildir;
  final MailIndex index;
  private final FolderScan scan;
  private final CopyOnWriteArrayList<Runnable> watchers = new CopyOnWriteArrayList<>();
  /** Per mailbox id: the last snapshot taken, whose message list sessions share (see {@link #snapshot}). */
  private final Map<Long, Snapshot> snapshots = new HashMap<>();
  int refs;

  Account(MailStore owner, String user, Path home) {
    this.owner = owner;
    this.user = user;
    this.maildir = new MaildirFolders(home.resolve("Maildir"));
    try {
      Files.createDirectories(home);
      maildir.ensureFolder(MaildirFolders.INBOX);
      index = new MailIndex(home.resolve("index.db"));
      scan = new FolderScan(this, index, maildir);
      initialize();
    } catch (SQLException | IOException e) {
      throw new StoreException(StoreException.Kind.SERVERBUG, "cannot open mail store of " + user + ": " + e.getMessage(), e);
    }
  }

  public String user() {
    return user;
  }

  public MaildirFolders maildir() {
    return maildir;
  }

  /** First open: default folders; every open: folders on disk the index lacks, then reconcile. */
  private void initialize() throws SQLException, IOException {
    boolean fresh = index.meta("initialized") == null;
    index.inTx(() -> {
      if (index.findMailbox(MaildirFolders.INBOX).isEmpty()) {
        index.insertMailbox(MaildirFolders.INBOX, null);
      }
      if (fresh) {
        for (var e : DEFAULT_FOLDERS.entrySet()) {
          if (index.findMailbox(e.getKey()).isEmpty()) {
            maildir.ensureFolder(e.getKey());
            index.insertMailbox(e.getKey(), e.getValue());
            index.update("INSERT OR IGNORE INTO subscription(name) VALUES(?)", e.getKey());
          }
        }
        index.update("INSERT OR IGNORE INTO subscription(name) VALUES(?)", MaildirFolders.INBOX);
        index.update("INSERT OR REPLACE INTO meta(key, value) VALUES('initialized', '1')");
      }
      for (String name : maildir.folderNames()) {
        if (index.findMailbox(name).isEmpty()) {
          index.insertMailbox(name, DEFAULT_FOLDERS.get(name));
        }
      }
      return null;
    });
    for (MailboxInfo m : mailboxes()) {
      reconcile(m, false);
    }
  }

  // ---- mailboxes ----------------------------------------------------------------------------------

  /** INBOX is case-insensitive (RFC 3501 §5.1); every other name is taken as given. */
  public static String normalize(String name) {
    if (name.equalsIgnoreCase(MaildirFolders.INBOX)) {
      return MaildirFolders.INBOX;
    }
    if (name.length() > 6 && name.substring(0, 6).equalsIgnoreCase("INBOX" + MaildirFolders.SEPARATOR)) {
      return MaildirFolders.INBOX + name.substring(5);
    }
    return name;
  }

  public synchronized List<MailboxInfo> mailboxes() {
    try (PreparedStatement ps = index.db.prepareStatement("SELECT * FROM mailbox ORDER BY name")) {
      List<MailboxInfo> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(MailIndex.mailboxRow(rs));
        }
      }
      return out;
    } catch (SQLException e) {
      throw bug(e);
    }
  }

  public synchronized Optional<MailboxInfo> mailbox(String name) {
    try {
      return index.findMailbox(normalize(name));
    } catch (SQLException e) {
      throw bug(e);
    }
  }

  public synchronized Optional<MailboxInfo> mailbox(long id) {
    try (PreparedStatement ps = index.db.prepareStatement("SELECT * FROM mailbox WHERE id=?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(MailIndex.mailboxRow(rs)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw bug(e);
    }
  }

  MailboxInfo require(String name) throws SQLException {
    return index.findMailbox(normalize(name))
        .orElseThrow(() -> new StoreException(StoreException.Kind.NONEXISTENT, "Mailbox doesn't exist: " + name));
  }

  MailboxInfo require(long id) {
    return mailbox(id).orElseThrow(() -> new StoreException(StoreException.Kind.NONEXISTENT, "Mailbox was deleted"));
  }

  public synchronized MailboxInfo create(String name, String specialUse) {
    String n = normalize(name);
    validateName(n);
    try {
      if (index.findMailbox(n).isPresent()) {
        throw new StoreException(StoreException.Kind.ALREADYEXISTS, "Mailbox already exists");
      }
      maildir.ensureFolder(n);
      MailboxInfo m = index.inTx(() -> index.insertMailbox(n, specialUse));
      changed();
      return m;
    } catch (SQLException | IOException e) {
      throw bug(e);
    }
  }

  static void validateName(String n) {
    String sep = String.valueOf(MaildirFolders.SEPARATOR);
    if (n.isEmpty() || n.startsWith(sep) || n.contains(sep + sep) || n.length() > 1000) {
      throw new StoreException(StoreException.Kind.CANNOT, "Invalid mailbox name");
    }
    for (char c : n.toCharArray()) {
      if (c < 0x20 || c == 0x7f || c == '*' || c == '%') {
        throw new StoreException(StoreException.Kind.CANNOT, "Invalid mailbox name");
      }
    }
  }

  public synchronized void delete(String name) {
    String n = normalize(name);
    if (n.equals(MaildirFolders.INBOX)) {
      throw new StoreException(StoreException.Kind.CANNOT, "INBOX can't be deleted");
    }
    try {
      MailboxInfo m = require(n);
      for (MailboxInfo other : mailboxes()) {
        if (other.name().startsWith(n + MaildirFolders.SEPARATOR)) {
          throw new StoreException(StoreException.Kind.CANNOT, "Mailbox has children, delete them first");
        }
      }
      // Move the folder out of the Maildir++ namespace first, so a crash leaves no half-deleted folder.
      Path dir = maildir.folder(n);
      Path gone = maildir.root().resolve("postamt-deleted-" + MaildirFolders.uniqueBase(0));
      if (Files.exists(dir)) {
        Files.move(dir, gone, StandardCopyOption.ATOMIC_MOVE);
        MaildirFolders.fsyncDir(maildir.root());
      }
      index.inTx(() -> index.update("DELETE FROM mailbox WHERE id=?", m.id()));
      deleteTree(gone);
      changed();
    } catch (SQLException | IOException e) {
      throw bug(e);
    }
  }

  /** RENAME with children (RFC 3501 §6.3.5); renaming INBOX moves its messages to a new mailbox. */
  public synchronized void rename(String from, String to) {
    String f = normalize(from);
    String t = normalize(to);
    validateName(t);
    try {
      if (index.findMailbox(t).isPresent()) {
        throw new StoreException(StoreException.Kind.ALREADYEXISTS, "Target mailbox already exists");
      }
      if (t.startsWith(f + MaildirFolders.SEPARATOR)) {
        throw new StoreException(StoreException.Kind.CANNOT, "Can't rename a mailbox under itself");
      }
      if (f.equals(MaildirFolders.INBOX)) {
        MailboxInfo src = require(f);
        MailboxInfo target = create(t, null);
        List<MessageRecord> all = messages(src.id());
        copyMessages(src.id(), all, target.name());
        removeMessages(src, all);
        changed();
        return;
      }
      List<MailboxInfo> moving = new ArrayList<>();
      for (MailboxInfo m : mailboxes()) {
        if (m.name().equals(f) || m.name().startsWith(f + MaildirFolders.SEPARATOR)) {
          moving.add(m);
        }
      }
      if (moving.isEmpty()) {
        // A name that exists only as the parent of others (\Noselect) may be renamed with them.
        throw new StoreException(StoreException.Kind.NONEXISTENT, "Mailbox doesn't exist: " + from);
      }
      for (MailboxInfo m : moving) {
        String newName = t + m.name().substring(f.length());
        Path a = maildir.folder(m.name());
        Path b = maildir.folder(newName);
        if (Files.exists(a)) {
          Files.move(a, b, StandardCopyOption.ATOMIC_MOVE);
        } else {
          maildir.ensureFolder(newName);
        }
        index.inTx(() -> index.update("UPDATE mailbox SET name=? WHERE id=?", newName, m.id()));
      }
      MaildirFolders.fsyncDir(maildir.root());
      changed();
    } catch (SQLException | IOException e) {
      throw bug(e);
    }
  }

  public synchronized void subscribe(String name, boolean on) {
    try {
      String n = normalize(name);
      if (on) {
        index.inTx(() -> index.update("INSERT OR IGNORE INTO subscription(name) VALUES(?)", n));
      } else {
        index.inTx(() -> index.update("DELETE FROM subscription WHERE name=?", n));
      }
    } catch (SQLException e) {
      throw bug(e);
    }
  }

  public synchronized Set<String> subscriptions() {
    try (PreparedStatement ps = index.db.prepareStatement("SELECT name FROM subscription");
        ResultSet rs = ps.executeQuery()) {
      Set<String> out = new TreeSet<>();
      while (rs.next()) {
        out.add(rs.getString(1));
      }
      return out;
    } catch (SQLException e) {
      throw bug(e);
    }
  }

  public synchronized Status status(String name) {
    try {
      MailboxInfo m = require(name);
      poll(m.id());
      m = require(name);
      try (PreparedStatement ps =
          index.db.prepareStatement(
              "SELECT count(*), sum(uid>=?), sum(' '||flags||' ' NOT LIKE '% \\Seen %'),"
                  + " coalesce(sum(size),0), sum(' '||flags||' ' LIKE '% \\Deleted %') FROM message WHERE mailbox_id=?")) {
        ps.setLong(1, m.firstRecentUid());
        ps.setLong(2, m.id());
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return new Status(m, rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5));
        }
      }
    } catch (SQLException e) {
      throw bug(e);
    }
  }

  // ---- messages ------------------------------------------------------------------------------------

  public synchronized List<MessageRecord> messages(long mailboxId) {
    try {
      return messagesAbove(mailboxId, 0);
    } catch (SQLException e) {
      throw bug(e);
    }
  }

  /** The messages of a mailbox whose MODSEQ is above {@code modseq} (0: all), in UID order. */
  private List<MessageRecord> messagesAbove(long mailboxId, long modseq) throws SQLException {
    // All rows: by primary key, already in UID order; changed rows: through the MODSEQ index.
    String sql = modseq == 0
        ? "SELECT * FROM message WHERE mailbox_id=? ORDER BY uid"
        : "SELECT * FROM message WHERE mailbox_id=? AND modseq>? ORDER BY uid";
    try (PreparedStatement ps = index.db.prepareStatement(sql)) {
      ps.setLong(1, mailboxId);
      if (modseq != 0) {
        ps.setLong(2, modseq);
      }
      List<MessageRecord> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(MailIndex.messageRow(rs));
        }
      }
      return out;
    }
  }

  /**
   * Picks up new deliveries, then returns the mailbox and its messages as one consistent view. The
   * message list is immutable and shared: every session of the mailbox gets the same list until the
   * mailbox changes (see {@link #currentMessages}).
   */
  public synchronized Snapshot snapshot(long mailboxId) {
    poll(mailboxId);
    MailboxInfo info = require(mailboxId);
    return new Snapshot(info, currentMessages(info));
  }

  /**
   * The messages of a mailbox in UID order, from the last snapshot while it is current. Every change of
   * a message row (flags, insert, delete) raises the mailbox's HIGHESTMODSEQ, and a renumbering its
   * UIDVALIDITY, so an unchanged (uidvalidity, highestmodseq, uidnext) means unchanged rows.
   */
  private List<MessageRecord> currentMessages(MailboxInfo info) {
    Snapshot last = snapshots.get(info.id());
    if (last != null && last.info().uidValidity() == info.uidValidity()
        && last.info().highestModseq() == info.highestModseq() && last.info().uidNext() == info.uidNext()) {
      return last.messages();
    }
    List<MessageRecord> list = last != null && last.info().uidValidity() == info.uidValidity() ? changedSince(last) : null;
    if (list == null) {
      list = List.copyOf(messages(info.id()));
    }
    snapshots.put(info.id(), new Snapshot(info, list));
    return list;
  }

  /**
   * The last snapshot's list brought up to date from the rows whose MODSEQ is above its HIGHESTMODSEQ
   * and the UIDs expunged since (RFC 7162's expunge history), so that a change costs in proportion to
   * itself and not to the mailbox. Null when the history does not reach back that far.
   */
  private List<MessageRecord> changedSince(Snapshot last) {
    long mailboxId = last.info().id();
    long since = last.info().highestModseq();
    try {
      List<Long> expunged = index.expungedSince(mailboxId, since);
      if (expunged == null) {
        return null;
      }
      List<MessageRecord> changed = messagesAbove(mailboxId, since);
      Set<Long> gone = new HashSet<>(expunged);
      List<MessageRecord> out = new ArrayList<>(last.messages().size() + changed.size());
      int j = 0;
      for (MessageRecord m : last.messages()) {
        while (j < changed.size() && changed.get(j).uid() < m.uid()) {
          out.add(changed.get(j++));
        }
        if (j < changed.size() && changed.get(j).uid() == m.uid()) {
          out.add(changed.get(j++));
        } else if (!gone.contains(m.uid())) {
          out.add(m);
        }
      }
      out.addAll(changed.subList(j, changed.size()));
      return List.copyOf(out);
    } catch (SQLException e) {
      throw bug(e);
    }
  }

  /** The message file, or null when it has been expunged meanwhile. */
  public synchronized Path file(MailboxInfo mailbox, MessageRecord m) {
    try {
      return maildir.find(mailbox.name(), m.base(), m.flags());
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * Marks messages below {@code upToUidNext} as no longer recent and returns the first UID that was still
   * recent: the calling session reports UIDs from there on as {@code \Recent} (RFC 3501 §2.3.2).
   */
  public synchronized long claimRecent(long mailboxId, long upToUidNext) {
    try {
      MailboxInfo m = require(mailboxId);
      index.inTx(() -> index.update("UPDATE mailbox SET first_recent_uid=max(first_recent_uid, ?) WHERE id=?", upToUidNext, mailboxId));
      return m.firstRecentUid();
    } catch (SQLException e) {
      throw bug(e);
    }
  }

  public synchronized AppendResult append(String mailbox, byte[] content, Set<String> flags, long internalDate) {
    try {
      MailboxInfo m = require(mailbox);
      checkQuota(content.length, 1);
      Set<String> f = Flags.of(flags);
      String base = maildir.deliver(m.name(), content, f, internalDate);
      long uid = index.inTx(() -> index.insertMessage(m.id(), base, f, internalDate, content.length));
      changed();
      return new AppendResult(m.uidValidity(), uid);
    } catch (SQLException | IOException e) {
      throw bug(e);
    }
  }

  /**
   * Copies messages (in UID order) into {@code target}, keeping flags and INTERNALDATE. Refused as a
   * whole ({@link StoreException.Kind#OVERQUOTA}) when the copies would not fit in the user's quota.
   */
  public synchronized CopyResult copy(long sourceId, List<MessageRecord> msgs, String target) {
    mailbox(target).orElseThrow(() -> new StoreException(StoreException.Kind.NONEXISTENT, "Mailbox doesn't exist: " + target));
    checkQuota(msgs.stream().mapToLong(MessageRecord::size).sum(), msgs.size());
    return copyMessages(sourceId, msgs, target);
  }

  /** COPY without the quota check: for MOVE and RENAME INBOX, which do not add to the usage. */
  private CopyResult copyMessages(long sourceId, List<MessageRecord> msgs, String target) {
    try {
      MailboxInfo src = require(sourceId);
      MailboxInfo dst = require(target);
      List<String> bases = new ArrayList<>();
      List<MessageRecord> copied = new ArrayList<>();
      for (MessageRecord m : msgs) {
        Path file = maildir.find(src.name(), m.base(), m.flags());
        if (file == null) {
          continue;
        }
        bases.add(maildir.copyIn(file, dst.name(), m.flags(), m.size()));
        copied.add(m);
      }
      List<Long> uids =
          index.inTx(() -> {
            List<Long> out = new ArrayList<>();
            for (int i = 0; i < copied.size(); i++) {
              MessageRecord m = copied.get(i);
              out.add(index.insertMessage(dst.id(), bases.get(i), m.flags(), m.internalDate(), m.size()));
            }
            return out;
          });
      changed();
      return new CopyResult(dst.uidValidity(), copied.stream().map(MessageRecord::uid).toList(), uids);
    } catch (SQLException | IOException e) {
      throw bug(e);
    }
  }

  /**
   * MOVE (RFC 6851): copy, then remove from the source. Within one account a move leaves the usage as
   * it was, so it is not checked against the quota (a user over quota can still move mail to Trash).
   */
  public synchronized CopyResult move(long sourceId, List<MessageRecord> msgs, String target) {
    CopyResult r = copyMessages(sourceId, msgs, target);
    Set<Long> moved = new TreeSet<>(r.sourceUids());
    removeMessages(require(sourceId), msgs.stream().filter(m -> moved.contains(m.uid())).toList());
    changed();
    return r;
  }

  /**
   * Changes flags of the given UIDs; returns the records that actually changed, each with its new
   * MODSEQ. Messages no longer present are skipped.
   */
  public synchronized List<MessageRecord> store(
      long mailboxId, Collection<Long> uids, FlagMode mode, Collection<String> flags) {
    return store(mailboxId, uids, mode, flags, -1, new ArrayList<>());
  }

  /**
   * STORE with RFC 7162 UNCHANGEDSINCE: messages whose MODSEQ is above {@code unchangedSince} (when
   * it is not -1) are left alone and their UIDs added to {@code modified}.
   */
  public synchronized List<MessageRecord> store(
      long mailboxId, Collection<Long> uids, FlagMode mode, Collection<String> flags, long unchangedSince,
      List<Long> modified) {
    try {
      MailboxInfo mb = require(mailboxId);
      Set<String> given = Flags.of(flags);
      List<MessageRecord> current = currentMessages(mb);
      List<MessageRecord[]> changes = new ArrayList<>();
      for (long uid : uids) {
        int at = indexOf(current, uid);
        if (at < 0) {
          continue;
        }
        MessageRecord m = current.get(at);
        if (unchangedSince >= 0 && m.modseq() > unchangedSince) {
          modified.add(uid);
          continue;
        }
        TreeSet<String> next = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        switch (mode) {
          case ADD -> {
            next.addAll(m.flags());
            next.addAll(given);
          }
          case REMOVE -> {
            next.addAll(m.flags());
            next.removeAll(given);
          }
          case REPLACE -> next.addAll(given);
        }
        if (!sameFlags(next, m.flags())) {
          changes.add(new MessageRecord[] {m, new MessageRecord(uid, m.base(), next, 0, m.internalDate(), m.size())});
        }
      }
      if (changes.isEmpty()) {
        return List.of();
      }
      List<MessageRecord> out =
          index.inTx(() -> {
            List<MessageRecord> done = new ArrayList<>();
            for (MessageRecord[] c : changes) {
              long modseq = index.nextModseq(mailboxId);
              index.update("UPDATE message SET flags=?, modseq=? WHERE mailbox_id=? AND uid=?",
                  Flags.encode(c[1].flags()), modseq, mailboxId, c[1].uid());
              done.add(new MessageRecord(c[1].uid(), c[1].base(), c[1].flags(), modseq, c[1].internalDate(), c[1].size()));
            }
            return done;
          });
      for (MessageRecord[] c : changes) {
        renameForFlags(mb, c[0], c[1].flags());
      }
      changed();
      return out;
    } catch (SQLException e) {
      throw bug(e);
    }
  }

  /** Index of a UID in a list in UID order, or -1. */
  private static int indexOf(List<MessageRecord> list, long uid) {
    int lo = 0;
    int hi = list.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      long u = list.get(mid).uid();
      if (u == uid) {
        return mid;
      }
      if (u < uid) {
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return -1;
  }

  private static boolean sameFlags(Set<String> a, Set<String> b) {
    return a.size() == b.size() && a.stream().allMatch(f -> Flags.contains(b, f))
        && a.stream().allMatch(f -> b.stream().anyMatch(f::equals));
  }

  /** Best effort: keeps the MaildirFolders info letters in step with the index, which stays authoritative. */
  private void renameForFlags(MailboxInfo mb, MessageRecord old, Set<String> flags) {
    if (Flags.maildirLetters(old.flags()).equals(Flags.maildirLetters(flags))) {
      return;
    }
    try {
      Path from = maildir.find(mb.name(), old.base(), old.flags());
      if (from != null) {
        Files.move(from, maildir.folder(mb.name()).resolve("cur").resolve(MaildirFolders.fileName(old.base(), flags)),
            StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (IOException e) {
      // The index has the flags; the file name is only a courtesy to other readers.
    }
  }

  /** Removes messages flagged {@code \Deleted} (only those in {@code onlyUids} when given). */
  public synchronized List<Long> expunge(long mailboxId, Optional<Set<Long>> onlyUids) {
    MailboxInfo mb = require(mailboxId);
    List<MessageRecord> doomed = new ArrayList<>();
    for (MessageRecord m : messages(mailboxId)) {
      if (m.has(Flags.DELETED) && onlyUids.map(s -> s.contains(m.uid())).orElse(true)) {
        doomed.add(m);
      }
    }
    removeMessages(mb, doomed);
    if (!doomed.isEmpty()) {
      changed();
    }
    return doomed.stream().map(MessageRecord::uid).toList();
  }

  private void removeMessages(MailboxInfo mb, List<MessageRecord> doomed) {
    if (doomed.isEmpty()) {
      return;
    }
    try {
      for (MessageRecord m : doomed) {
        Path p = maildir.find(mb.name(), m.base(), m.flags());
        if (p != null) {
          Files.deleteIfExists(p);
        }
      }
      MaildirFolders.fsyncDir(maildir.folder(mb.name()).resolve("cur"));
      index.inTx(() -> {
        index.removeMessages(mb.id(), doomed.stream().map(MessageRecord::uid).toList());
        return null;
      });
    } catch (SQLException | IOException e) {
      throw bug(e);
    }
  }

  /**
   * Expunge history for QRESYNC (RFC 7162 §3.2.5, §3.2.6): the UIDs expunged from a mailbox with a
   * MODSEQ above {@code sinceModseq}, ascending; empty when the history no longer reaches back that far
   * (it starts when the index first kept it, and its oldest part is forgotten beyond a cap), so the
   * caller must treat every absent UID as possibly expunged.
   */
  public synchronized Optional<List<Long>> expungedSince(long mailboxId, long sinceModseq) {
    try {
      return Optional.ofNullable(index.expungedSince(mailboxId, sinceModseq));
    } catch (SQLException e) {
      throw bug(e);
    }
  }

  /** The lowest MODSEQ at which one of the UIDs was expunged (or the history's floor, if none is known). */
  public synchronized long expungeModseq(long mailboxId, Collection<Long> uids) {
    try {
      return index.expungeModseq(mailboxId, uids);
    } catch (SQLException e) {
      throw bug(e);
    }
  }

  /** Forgets all but the newest {@code keep} expunged UIDs of a mailbox; returns how many were dropped. */
  public synchronized int forgetExpunged(long mailboxId, int keep) {
    try {
      return index.inTx(() -> index.forgetExpunged(mailboxId, keep));
    } catch (SQLException e) {
      throw bug(e);
    }
  }

  // ---- quota ---------------------------------------------------------------------------------------

  /** The user's quota limit and usage over all mailboxes, after taking in new deliveries to INBOX. */
  public synchronized Quota.Status quota() {
    return quota(owner.quotaPolicy().limitFor(user));
  }

  private Quota.Status quota(Quota.Limit limit) {
    try {
      index.findMailbox(MaildirFolders.INBOX).ifPresent(m -> poll(m.id()));
      return new Quota.Status(limit, index.usage());
    } catch (SQLException e) {
      throw bug(e);
    }
  }

  private void checkQuota(long addBytes, long addMessages) {
    Quota.Limit limit = owner.quotaPolicy().limitFor(user);
    if (!limit.unlimited() && !quota(limit).allows(addBytes, addMessages)) {
      throw Quota.exceeded();
    }
  }

  /** The bytes an EXPUNGE of the mailbox would free: its messages flagged {@code \Deleted}. */
  public synchronized long deletedSize(String name) {
    try (PreparedStatement ps =
        index.db.prepareStatement(
            "SELECT coalesce(sum(size),0) FROM message WHERE mailbox_id=? AND ' '||flags||' ' LIKE '% \\Deleted %'")) {
      ps.setLong(1, require(name).id());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw bug(e);
    }
  }

  // ---- new mail and reconciliation (see FolderScan) -----------------------------------------------

  /** Takes in whatever the delivery agent (or another program) put into {@code new/}. Cheap when idle. */
  public synchronized void poll(long mailboxId) {
    try {
      if (scan.poll(mailboxId) > 0) {
        changed();
      }
    } catch (SQLException | IOException e) {
      throw bug(e);
    }
  }

  synchronized void reconcile(MailboxInfo m, boolean renumber) throws SQLException, IOException {
    scan.reconcile(m, renumber);
  }

  /** {@code postamt store reindex}: reconcile every folder; with {@code renumber} rebuild all UIDs. */
  public synchronized void reindex(boolean renumber) {
    try {
      scan.reindex(renumber);
      index.recountUsage();
      changed();
    } catch (SQLException | IOException e) {
      throw bug(e);
    }
  }

  // ---- change notification ---------------------------------------------------------------------------

  /** Registers a callback run after every change (sessions use it to wake from IDLE); returns a remover. */
  public Runnable watch(Runnable r) {
    watchers.add(r);
    return () -> watchers.remove(r);
  }

  void changed() {
    for (Runnable r : watchers) {
      r.run();
    }
  }

  @Override
  public void close() {
    owner.release(this);
  }

  void closeDb() {
    index.close();
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (var walk = Files.walk(p)) {
      for (Path x : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(x);
      }
    }
  }

  private static StoreException bug(Exception e) {
    return MailIndex.bug(e);
  }
}
