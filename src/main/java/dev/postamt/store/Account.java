package dev.postamt.store;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
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
  private final Connection db;
  private final CopyOnWriteArrayList<Runnable> watchers = new CopyOnWriteArrayList<>();
  private final Map<Long, Long> newDirStamp = new HashMap<>();
  int refs;

  Account(MailStore owner, String user, Path home) {
    this.owner = owner;
    this.user = user;
    this.maildir = new MaildirFolders(home.resolve("Maildir"));
    try {
      Files.createDirectories(home);
      maildir.ensureFolder(MaildirFolders.INBOX);
      db = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("index.db"));
      try (Statement s = db.createStatement()) {
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("PRAGMA synchronous=FULL");
        s.execute("PRAGMA busy_timeout=10000");
        s.execute("PRAGMA foreign_keys=ON");
        s.execute(
            "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)");
        s.execute(
            "CREATE TABLE IF NOT EXISTS mailbox(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
                + " uidvalidity INTEGER NOT NULL, uidnext INTEGER NOT NULL, highestmodseq INTEGER NOT NULL,"
                + " special_use TEXT, first_recent_uid INTEGER NOT NULL DEFAULT 1)");
        s.execute(
            "CREATE TABLE IF NOT EXISTS message(mailbox_id INTEGER NOT NULL REFERENCES mailbox(id)"
                + " ON DELETE CASCADE, uid INTEGER NOT NULL, base TEXT NOT NULL, flags TEXT NOT NULL,"
                + " modseq INTEGER NOT NULL, internaldate INTEGER NOT NULL, size INTEGER NOT NULL,"
                + " PRIMARY KEY(mailbox_id, uid))");
        s.execute("CREATE UNIQUE INDEX IF NOT EXISTS message_base ON message(mailbox_id, base)");
        s.execute("CREATE TABLE IF NOT EXISTS subscription(name TEXT PRIMARY KEY)");
      }
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
    boolean fresh = meta("initialized") == null;
    inTx(() -> {
      if (findMailbox(MaildirFolders.INBOX).isEmpty()) {
        insertMailbox(MaildirFolders.INBOX, null);
      }
      if (fresh) {
        for (var e : DEFAULT_FOLDERS.entrySet()) {
          if (findMailbox(e.getKey()).isEmpty()) {
            maildir.ensureFolder(e.getKey());
            insertMailbox(e.getKey(), e.getValue());
            update("INSERT OR IGNORE INTO subscription(name) VALUES(?)", e.getKey());
          }
        }
        update("INSERT OR IGNORE INTO subscription(name) VALUES(?)", MaildirFolders.INBOX);
        update("INSERT OR REPLACE INTO meta(key, value) VALUES('initialized', '1')");
      }
      for (String name : maildir.folderNames()) {
        if (findMailbox(name).isEmpty()) {
          insertMailbox(name, DEFAULT_FOLDERS.get(name));
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
    try (PreparedStatement ps = db.prepareStatement("SELECT * FROM mailbox ORDER BY name")) {
      List<MailboxInfo> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(mailboxRow(rs));
        }
      }
      return out;
    } catch (SQLException e) {
      throw bug(e);
    }
  }

  public synchronized Optional<MailboxInfo> mailbox(String name) {
    try {
      return findMailbox(normalize(name));
    } catch (SQLException e) {
      throw bug(e);
    }
  }

  public synchronized Optional<MailboxInfo> mailbox(long id) {
    try (PreparedStatement ps = db.prepareStatement("SELECT * FROM mailbox WHERE id=?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(mailboxRow(rs)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw bug(e);
    }
  }

  MailboxInfo require(String name) throws SQLException {
    return findMailbox(normalize(name))
        .orElseThrow(() -> new StoreException(StoreException.Kind.NONEXISTENT, "Mailbox doesn't exist: " + name));
  }

  MailboxInfo require(long id) {
    return mailbox(id).orElseThrow(() -> new StoreException(StoreException.Kind.NONEXISTENT, "Mailbox was deleted"));
  }

  public synchronized MailboxInfo create(String name, String specialUse) {
    String n = normalize(name);
    validateName(n);
    try {
      if (findMailbox(n).isPresent()) {
        throw new StoreException(StoreException.Kind.ALREADYEXISTS, "Mailbox already exists");
      }
      maildir.ensureFolder(n);
      MailboxInfo m = inTx(() -> insertMailbox(n, specialUse));
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
      inTx(() -> update("DELETE FROM mailbox WHERE id=?", m.id()));
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
      if (findMailbox(t).isPresent()) {
        throw new StoreException(StoreException.Kind.ALREADYEXISTS, "Target mailbox already exists");
      }
      if (t.startsWith(f + MaildirFolders.SEPARATOR)) {
        throw new StoreException(StoreException.Kind.CANNOT, "Can't rename a mailbox under itself");
      }
      if (f.equals(MaildirFolders.INBOX)) {
        MailboxInfo src = require(f);
        MailboxInfo target = create(t, null);
        List<MessageRecord> all = messages(src.id());
        copy(src.id(), all, target.name());
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
        inTx(() -> update("UPDATE mailbox SET name=? WHERE id=?", newName, m.id()));
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
        inTx(() -> update("INSERT OR IGNORE INTO subscription(name) VALUES(?)", n));
      } else {
        inTx(() -> update("DELETE FROM subscription WHERE name=?", n));
      }
    } catch (SQLException e) {
      throw bug(e);
    }
  }

  public synchronized Set<String> subscriptions() {
    try (PreparedStatement ps = db.prepareStatement("SELECT name FROM subscription");
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
          db.prepareStatement(
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
    try (PreparedStatement ps =
        db.prepareStatement("SELECT * FROM message WHERE mailbox_id=? ORDER BY uid")) {
      ps.setLong(1, mailboxId);
      List<MessageRecord> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(messageRow(rs));
        }
      }
      return out;
    } catch (SQLException e) {
      throw bug(e);
    }
  }

  /** Picks up new deliveries, then returns the mailbox and its messages as one consistent view. */
  public synchronized Snapshot snapshot(long mailboxId) {
    poll(mailboxId);
    return new Snapshot(require(mailboxId), messages(mailboxId));
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
      inTx(() -> update("UPDATE mailbox SET first_recent_uid=max(first_recent_uid, ?) WHERE id=?", upToUidNext, mailboxId));
      return m.firstRecentUid();
    } catch (SQLException e) {
      throw bug(e);
    }
  }

  public synchronized AppendResult append(String mailbox, byte[] content, Set<String> flags, long internalDate) {
    try {
      MailboxInfo m = require(mailbox);
      Set<String> f = Flags.of(flags);
      String base = maildir.deliver(m.name(), content, f, internalDate);
      long uid = inTx(() -> insertMessage(m.id(), base, f, internalDate, content.length));
      changed();
      return new AppendResult(m.uidValidity(), uid);
    } catch (SQLException | IOException e) {
      throw bug(e);
    }
  }

  /** Copies messages (in UID order) into {@code target}, keeping flags and INTERNALDATE. */
  public synchronized CopyResult copy(long sourceId, List<MessageRecord> msgs, String target) {
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
          inTx(() -> {
            List<Long> out = new ArrayList<>();
            for (int i = 0; i < copied.size(); i++) {
              MessageRecord m = copied.get(i);
              out.add(insertMessage(dst.id(), bases.get(i), m.flags(), m.internalDate(), m.size()));
            }
            return out;
          });
      changed();
      return new CopyResult(dst.uidValidity(), copied.stream().map(MessageRecord::uid).toList(), uids);
    } catch (SQLException | IOException e) {
      throw bug(e);
    }
  }

  /** MOVE (RFC 6851): copy, then remove from the source. */
  public synchronized CopyResult move(long sourceId, List<MessageRecord> msgs, String target) {
    CopyResult r = copy(sourceId, msgs, target);
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
      Map<Long, MessageRecord> current = new HashMap<>();
      for (MessageRecord m : messages(mailboxId)) {
        current.put(m.uid(), m);
      }
      List<MessageRecord[]> changes = new ArrayList<>();
      for (long uid : uids) {
        MessageRecord m = current.get(uid);
        if (m == null) {
          continue;
        }
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
          inTx(() -> {
            List<MessageRecord> done = new ArrayList<>();
            for (MessageRecord[] c : changes) {
              long modseq = nextModseq(mailboxId);
              update("UPDATE message SET flags=?, modseq=? WHERE mailbox_id=? AND uid=?",
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
      inTx(() -> {
        for (MessageRecord m : doomed) {
          update("DELETE FROM message WHERE mailbox_id=? AND uid=?", mb.id(), m.uid());
        }
        nextModseq(mb.id());
        return null;
      });
    } catch (SQLException | IOException e) {
      throw bug(e);
    }
  }

  // ---- new mail and reconciliation -----------------------------------------------------------------

  /** Takes in whatever the delivery agent (or another program) put into {@code new/}. Cheap when idle. */
  public synchronized void poll(long mailboxId) {
    Optional<MailboxInfo> m = mailbox(mailboxId);
    if (m.isEmpty()) {
      return;
    }
    Path newDir = maildir.folder(m.get().name()).resolve("new");
    long stamp;
    try {
      stamp = Files.getLastModifiedTime(newDir).toMillis();
    } catch (IOException e) {
      return;
    }
    Long seen = newDirStamp.get(mailboxId);
    // A directory mtime may be coarse; rescan while it is recent so same-tick deliveries are not missed.
    if (seen != null && seen == stamp && System.currentTimeMillis() - stamp > 2000) {
      return;
    }
    newDirStamp.put(mailboxId, stamp);
    try {
      if (reconcileDir(m.get(), newDir, false) > 0) {
        changed();
      }
    } catch (SQLException | IOException e) {
      throw bug(e);
    }
  }

  /** Makes index and folder agree; with {@code renumber}, all UIDs are assigned afresh. */
  synchronized void reconcile(MailboxInfo m, boolean renumber) throws SQLException, IOException {
    Path dir = maildir.folder(m.name());
    if (!Files.isDirectory(dir)) {
      return;
    }
    maildir.ensureFolder(m.name());
    if (renumber) {
      long uv = newUidValidity();
      inTx(() -> {
        update("DELETE FROM message WHERE mailbox_id=?", m.id());
        update("UPDATE mailbox SET uidvalidity=?, uidnext=1, first_recent_uid=1 WHERE id=?", uv, m.id());
        return null;
      });
    }
    Set<String> onDisk = new TreeSet<>();
    for (String sub : List.of("cur", "new")) {
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir.resolve(sub))) {
        for (Path p : ds) {
          onDisk.add(MaildirFolders.baseOf(p.getFileName().toString()));
        }
      }
    }
    List<MessageRecord> missing = messages(m.id()).stream().filter(r -> !onDisk.contains(r.base())).toList();
    if (!missing.isEmpty()) {
      inTx(() -> {
        for (MessageRecord r : missing) {
          update("DELETE FROM message WHERE mailbox_id=? AND uid=?", m.id(), r.uid());
        }
        nextModseq(m.id());
        return null;
      });
    }
    reconcileDir(m, dir.resolve("cur"), true);
    reconcileDir(m, dir.resolve("new"), false);
  }

  /** Gives unknown files of one directory UIDs in arrival order (mtime, then name); moves new/ to cur/. */
  private int reconcileDir(MailboxInfo m, Path dir, boolean isCur) throws SQLException, IOException {
    record Found(Path path, String base, long mtime, long size) {}
    Set<String> known = new TreeSet<>();
    for (MessageRecord r : messages(m.id())) {
      known.add(r.base());
    }
    List<Found> found = new ArrayList<>();
    List<Path> knownInNew = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        if (name.startsWith(".")) {
          continue;
        }
        String base = MaildirFolders.baseOf(name);
        if (known.contains(base)) {
          if (!isCur) {
            knownInNew.add(p);
          }
          continue;
        }
        try {
          var attrs = Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class);
          if (!attrs.isRegularFile()) {
            continue;
          }
          long size = MaildirFolders.sizeOf(base);
          found.add(new Found(p, base, attrs.lastModifiedTime().toMillis(), size >= 0 ? size : attrs.size()));
        } catch (NoSuchFileException e) {
          // taken by someone else meanwhile
        }
      }
    } catch (NoSuchFileException e) {
      return 0;
    }
    found.sort(Comparator.comparingLong(Found::mtime).thenComparing(Found::base));
    if (!found.isEmpty()) {
      inTx(() -> {
        for (Found f : found) {
          Set<String> flags = Flags.fromMaildirLetters(MaildirFolders.lettersOf(f.path().getFileName().toString()));
          insertMessage(m.id(), f.base(), flags, f.mtime(), f.size());
        }
        return null;
      });
    }
    if (!isCur) {
      // After the commit, as MaildirFolders readers expect: seen files live in cur/ with an info suffix.
      List<Path> move = new ArrayList<>(knownInNew);
      found.forEach(f -> move.add(f.path()));
      for (Path p : move) {
        String name = p.getFileName().toString();
        String target = name.contains(":2,") ? name : MaildirFolders.baseOf(name) + ":2,";
        try {
          Files.move(p, dir.resolveSibling("cur").resolve(target), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
          // Still found through MaildirFolders.find in new/.
        }
      }
      MaildirFolders.fsyncDir(dir.resolveSibling("cur"));
    }
    return found.size();
  }

  /** {@code postamt store reindex}: reconcile every folder; with {@code renumber} rebuild all UIDs. */
  public synchronized void reindex(boolean renumber) {
    try {
      inTx(() -> {
        for (String name : maildir.folderNames()) {
          if (findMailbox(name).isEmpty()) {
            insertMailbox(name, DEFAULT_FOLDERS.get(name));
          }
        }
        return null;
      });
      for (MailboxInfo m : mailboxes()) {
        if (!Files.isDirectory(maildir.folder(m.name()))) {
          inTx(() -> update("DELETE FROM mailbox WHERE id=? AND name<>'INBOX'", m.id()));
          continue;
        }
        reconcile(m, renumber);
      }
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
    try {
      db.close();
    } catch (SQLException e) {
      // nothing left to do
    }
  }

  // ---- SQL helpers -----------------------------------------------------------------------------------

  private interface Tx<T> {
    T run() throws SQLException, IOException;
  }

  private <T> T inTx(Tx<T> body) throws SQLException {
    db.setAutoCommit(false);
    try {
      T t = body.run();
      db.commit();
      return t;
    } catch (SQLException | RuntimeException e) {
      db.rollback();
      throw e;
    } catch (IOException e) {
      db.rollback();
      throw bug(e);
    } finally {
      db.setAutoCommit(true);
    }
  }

  private int update(String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = db.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      return ps.executeUpdate();
    }
  }

  private String meta(String key) throws SQLException {
    try (PreparedStatement ps = db.prepareStatement("SELECT value FROM meta WHERE key=?")) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  private Optional<MailboxInfo> findMailbox(String name) throws SQLException {
    try (PreparedStatement ps = db.prepareStatement("SELECT * FROM mailbox WHERE name=?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(mailboxRow(rs)) : Optional.empty();
      }
    }
  }

  /** UIDVALIDITY: the clock in seconds, but always above every value this account has used. */
  private long newUidValidity() throws SQLException {
    long max = 0;
    try (PreparedStatement ps = db.prepareStatement("SELECT coalesce(max(uidvalidity),0) FROM mailbox");
        ResultSet rs = ps.executeQuery()) {
      if (rs.next()) {
        max = rs.getLong(1);
      }
    }
    String last = meta("last_uidvalidity");
    if (last != null) {
      max = Math.max(max, Long.parseLong(last));
    }
    long uv = Math.min(Math.max(System.currentTimeMillis() / 1000, max + 1), 0xFFFFFFFFL);
    update("INSERT OR REPLACE INTO meta(key, value) VALUES('last_uidvalidity', ?)", String.valueOf(uv));
    return uv;
  }

  private MailboxInfo insertMailbox(String name, String specialUse) throws SQLException {
    long uv = newUidValidity();
    update("INSERT INTO mailbox(name, uidvalidity, uidnext, highestmodseq, special_use) VALUES(?,?,1,1,?)",
        name, uv, specialUse);
    return findMailbox(name).orElseThrow();
  }

  private long nextModseq(long mailboxId) throws SQLException {
    update("UPDATE mailbox SET highestmodseq=highestmodseq+1 WHERE id=?", mailboxId);
    try (PreparedStatement ps = db.prepareStatement("SELECT highestmodseq FROM mailbox WHERE id=?")) {
      ps.setLong(1, mailboxId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private long insertMessage(long mailboxId, String base, Set<String> flags, long internalDate, long size)
      throws SQLException {
    long modseq = nextModseq(mailboxId);
    long uid;
    try (PreparedStatement ps = db.prepareStatement("SELECT uidnext FROM mailbox WHERE id=?")) {
      ps.setLong(1, mailboxId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        uid = rs.getLong(1);
      }
    }
    update("UPDATE mailbox SET uidnext=? WHERE id=?", uid + 1, mailboxId);
    update("INSERT INTO message(mailbox_id, uid, base, flags, modseq, internaldate, size) VALUES(?,?,?,?,?,?,?)",
        mailboxId, uid, base, Flags.encode(flags), modseq, internalDate, size);
    return uid;
  }

  private static MailboxInfo mailboxRow(ResultSet rs) throws SQLException {
    return new MailboxInfo(rs.getLong("id"), rs.getString("name"), rs.getLong("uidvalidity"),
        rs.getLong("uidnext"), rs.getLong("highestmodseq"), Optional.ofNullable(rs.getString("special_use")),
        rs.getLong("first_recent_uid"));
  }

  private static MessageRecord messageRow(ResultSet rs) throws SQLException {
    return new MessageRecord(rs.getLong("uid"), rs.getString("base"), Flags.decode(rs.getString("flags")),
        rs.getLong("modseq"), rs.getLong("internaldate"), rs.getLong("size"));
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

  private StoreException bug(Exception e) {
    return new StoreException(StoreException.Kind.SERVERBUG, "mail store error: " + e.getMessage(), e);
  }
}
