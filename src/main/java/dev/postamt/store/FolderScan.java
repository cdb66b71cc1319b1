package dev.postamt.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps an account's index in step with its Maildir folders: gives files that appeared (delivery into
 * {@code new/}, a crash between file write and commit, another Maildir program) UIDs in arrival order,
 * as Dovecot's uidlist does, and drops rows whose file is gone. Runs under the account's write lock,
 * except {@link #mayHaveNew}, which only looks.
 */
final class FolderScan {
  private final MaildirAccount account;
  private final MailIndex index;
  private final MaildirBlobStore maildir;
  private final Map<Long, Long> newDirStamp = new ConcurrentHashMap<>();

  FolderScan(MaildirAccount account, MailIndex index, MaildirBlobStore maildir) {
    this.account = account;
    this.index = index;
    this.maildir = maildir;
  }

  /**
   * Whether {@code new/} of a mailbox may hold something not yet indexed: its mtime moved since the
   * last scan, or is so recent that a same-tick delivery could hide behind a coarse timestamp.
   */
  boolean mayHaveNew(MailboxInfo m) {
    long stamp;
    try {
      stamp = Files.getLastModifiedTime(maildir.folder(m.name()).resolve("new")).toMillis();
    } catch (IOException e) {
      return false;
    }
    Long seen = newDirStamp.get(m.id());
    return seen == null || seen != stamp || System.currentTimeMillis() - stamp <= 2000;
  }

  /** Indexes what appeared in {@code new/} of the mailbox {@code m}; returns how many messages were added. */
  int poll(MailboxInfo m) throws SQLException, IOException {
    long mailboxId = m.id();
    Path newDir = maildir.folder(m.name()).resolve("new");
    long stamp;
    try {
      stamp = Files.getLastModifiedTime(newDir).toMillis();
    } catch (IOException e) {
      return 0;
    }
    Long seen = newDirStamp.get(mailboxId);
    // A directory mtime may be coarse; rescan while it is recent so same-tick deliveries are not missed.
    if (seen != null && seen == stamp && System.currentTimeMillis() - stamp > 2000) {
      return 0;
    }
    newDirStamp.put(mailboxId, stamp);
    return reconcileDir(m, newDir, null);
  }

  /** Makes index and folder agree; with {@code renumber}, all UIDs are assigned afresh. */
  void reconcile(MailboxInfo m, boolean renumber) throws SQLException, IOException {
    Path dir = maildir.folder(m.name());
    if (!Files.isDirectory(dir)) {
      return;
    }
    maildir.ensureFolder(m.name());
    if (renumber) {
      index.inTx(() -> {
        index.resetMailbox(m.id(), index.newUidValidity());
        return null;
      });
    }
    // cur/ is listed once: its names are both the bases on disk and what reconcileDir looks through for
    // files the index lacks (it listed cur/ a second time). This runs at every open of an account, and
    // the indexer opens one for a sync after each burst of mail: with a mailbox of 20,000 messages the
    // two listings and two sorted sets of its names were most of an open. Hash sets: only looked up in.
    String[] curNames = names(dir.resolve("cur"));
    String[] newNames = names(dir.resolve("new"));
    Set<String> onDisk = HashSet.newHashSet(curNames.length + newNames.length);
    for (String name : curNames) {
      onDisk.add(MaildirBlobStore.baseOf(name));
    }
    for (String name : newNames) {
      onDisk.add(MaildirBlobStore.baseOf(name));
    }
    List<MailIndex.Keyed> rows = account.read(i -> i.keys(m.id())); // UID and base: no more of the rows
    List<Long> missing = new ArrayList<>();
    Set<String> indexed = HashSet.newHashSet(rows.size()); // the rows read once for both looks (cur/, new/)
    for (MailIndex.Keyed r : rows) {
      if (onDisk.contains(r.base())) {
        indexed.add(r.base());
      } else {
        missing.add(r.uid());
      }
    }
    if (!missing.isEmpty()) {
      // Files removed behind our back are expunges too: clients hear of them through VANISHED.
      missing.sort(null); // in UID order, as the rows were read before
      index.inTx(() -> {
        index.removeMessages(m.id(), missing);
        return null;
      });
    }
    reconcileDir(m, dir.resolve("cur"), indexed, curNames);
    reconcileDir(m, dir.resolve("new"), null); // listed again: what arrived meanwhile comes in too
  }

  private record Found(Path path, String base, long mtime, long size) {}

  /**
   * The names in {@code dir}, as strings ({@link java.io.File#list}: no {@code Path} made per entry, which
   * was a good part of listing a large {@code cur/}); a missing directory is a
   * {@link NoSuchFileException}, one that cannot be read another {@link IOException}.
   */
  private static String[] names(Path dir) throws IOException {
    String[] names = dir.toFile().list();
    if (names == null) {
      if (!Files.isDirectory(dir)) {
        throw new NoSuchFileException(dir.toString());
      }
      throw new IOException("cannot list " + dir);
    }
    return names;
  }

  /** Adds the file {@code p} named {@code name} to {@code found} unless it is hidden, {@code known} or gone. */
  private static void consider(Path p, String name, Set<String> known, List<Found> found) throws IOException {
    if (name.startsWith(".")) {
      return;
    }
    String base = MaildirBlobStore.baseOf(name);
    if (known != null && known.contains(base)) {
      return;
    }
    try {
      var attrs = Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class);
      if (!attrs.isRegularFile()) {
        return;
      }
      long size = MaildirBlobStore.sizeOf(base);
      found.add(new Found(p, base, attrs.lastModifiedTime().toMillis(), size >= 0 ? size : attrs.size()));
    } catch (NoSuchFileException e) {
      // taken by someone else meanwhile
    }
  }

  /**
   * Gives unknown files of one directory UIDs in arrival order (mtime, then name); moves new/ to cur/.
   *
   * @param known for cur/, the bases the index holds (read by the caller); null for new/
   */
  int reconcileDir(MailboxInfo m, Path dir, Set<String> known) throws SQLException, IOException {
    String[] listed;
    try {
      listed = names(dir);
    } catch (NoSuchFileException e) {
      return 0;
    }
    return reconcileDir(m, dir, known, listed);
  }

  /**
   * {@link #reconcileDir(MailboxInfo, Path, Set)} over {@code listed}, the names of {@code dir} as the
   * caller just listed them.
   */
  private int reconcileDir(MailboxInfo m, Path dir, Set<String> known, String[] listed)
      throws SQLException, IOException {
    boolean isCur = known != null;
    // new/ holds what arrived since the last look, a few files; cur/ holds the mailbox. Looking the
    // files of new/ up by their bases (a unique index), all in one statement inside the transaction that
    // indexes them, keeps a delivery's poll independent of the mailbox's size: reading every row of a
    // 20,000-message INBOX per delivery made delivery slow down as it filled.
    List<Found> found = new ArrayList<>();
    for (String name : listed) {
      consider(dir.resolve(name), name, known, found);
    }
    found.sort(Comparator.comparingLong(Found::mtime).thenComparing(Found::base));
    int added = 0;
    if (!found.isEmpty()) {
      added = index.inTx(() -> {
        // indexed already: by another process sharing this store (another node, the CLI beside the
        // server), or left in new/ by a crash between the commit and the move to cur/
        Set<String> indexed = index.knownBases(m.id(), found.stream().map(Found::base).toList());
        int n = 0;
        for (Found f : found) {
          if (indexed.contains(f.base())) {
            continue;
          }
          Set<String> flags = Flags.fromMaildirLetters(MaildirBlobStore.lettersOf(f.path().getFileName().toString()));
          index.insertMessage(m.id(), f.base(), flags, f.mtime(), f.size());
          n++;
        }
        return n;
      });
    }
    if (!isCur) {
      // After the commit, as Maildir readers expect: seen files live in cur/ with an info suffix.
      // Not fsync'd: a move a crash undoes leaves the file in new/ under a base the index holds, where
      // MaildirBlobStore.find still finds it and the next poll sees it indexed and moves it again (above).
      // The file and its entry in new/ were made durable by the delivery.
      for (Found f : found) { // those indexed already as well
        String name = f.path().getFileName().toString();
        String target = name.contains(":2,") ? name : MaildirBlobStore.baseOf(name) + ":2,";
        try {
          Files.move(f.path(), dir.resolveSibling("cur").resolve(target), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
          // Still found through MaildirBlobStore.find in new/.
        }
      }
    }
    return added;
  }

  /** Reconciles every folder on disk; with {@code renumber} all UIDs are assigned afresh. */
  void reindex(boolean renumber) throws SQLException, IOException {
    index.inTx(() -> {
      for (String name : maildir.folderNames()) {
        if (index.findMailbox(name).isEmpty()) {
          index.insertMailbox(name, Account.DEFAULT_FOLDERS.get(name));
        }
      }
      return null;
    });
    for (MailboxInfo m : account.mailboxes()) {
      if (!Files.isDirectory(maildir.folder(m.name()))) {
        if (!m.name().equals(MailboxNames.INBOX)) {
          index.inTx(() -> {
            index.deleteMailbox(m.id());
            return null;
          });
        }
        continue;
      }
      reconcile(m, renumber);
    }
  }
}
