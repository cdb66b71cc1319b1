package dev.postamt.store;

import dev.postamt.sqlite.SqliteFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A consistent copy of users' mail for {@code postamt backup}, taken while the server runs, and the
 * way back. The store is the one owner of message files, so the backup asks it rather than copying a
 * Maildir blindly.
 *
 * <p>How one home is copied, and why it is consistent without stopping anyone:
 *
 * <ol>
 *   <li>{@code index.db} first, as one SQLite snapshot ({@link SqliteFiles#snapshot}): UIDs, flags,
 *       keywords, MODSEQs and INTERNALDATEs as of one commit, time T.
 *   <li>Then each folder's {@code new/}, then {@code cur/} (a file that moves from new/ to cur/ between
 *       the two listings is found in the second). Message files are immutable; only their names change
 *       (flag letters). A file the snapshot knows is written to {@code cur/} under the name the
 *       snapshot's flags give it, so the copy's file names and index agree (the index is authoritative
 *       in any case). A file the snapshot does not know (delivered after T) is copied as it is: opening
 *       the restored account gives it a UID. A file that vanishes between listing and copying was
 *       renamed for its flags (looked up again by its base name) or expunged after T (then skipped; the
 *       restored account drops the row, as for any file removed behind its back).
 *   <li>A last pass looks again for every message the snapshot knows and the copy lacks, since a
 *       directory listing may miss a file renamed while it is being read.
 * </ol>
 *
 * <p>Everything else in the home ({@code .forward}, caches, Sieve files) is copied as it is; {@code
 * tmp/} (unfinished writes) and SQLite's {@code -wal}/{@code -shm} are left out.
 */
public final class StoreBackup {
  private StoreBackup() {}

  /** Where the files of a backup go; the backup decides how (a copy, a hard link to an earlier one). */
  public interface Sink {
    /**
     * Copies {@code source} to the new file {@code target}.
     *
     * @throws NoSuchFileException when {@code source} is gone
     */
    void copy(Path source, Path target) throws IOException;

    /** Records a file the store wrote into the backup itself (the index snapshot). */
    void written(Path target) throws IOException;
  }

  /** The users that have a mail home under {@code data_dir/mail}, by address, sorted. */
  public static Map<String, Path> homes(Path dataDir) throws IOException {
    return homesIn(dataDir.resolve("mail"));
  }

  /** The users that have a mail home under the mail directory {@code mail} ({@code [store] mail_dir}). */
  public static Map<String, Path> homesIn(Path mail) throws IOException {
    Map<String, Path> out = new TreeMap<>();
    if (!Files.isDirectory(mail)) {
      return out;
    }
    try (DirectoryStream<Path> domains = Files.newDirectoryStream(mail, Files::isDirectory)) {
      for (Path d : domains) {
        try (DirectoryStream<Path> users = Files.newDirectoryStream(d, Files::isDirectory)) {
          for (Path u : users) {
            if (Files.exists(u.resolve("index.db")) || Files.isDirectory(u.resolve("Maildir"))) {
              out.put(u.getFileName() + "@" + d.getFileName(), u);
            }
          }
        }
      }
    }
    return out;
  }

  /** The home of {@code address} relative to the data directory ({@code mail/<domain>/<local>}). */
  public static Path relativeHome(String address) {
    Path root = Path.of("/");
    return root.relativize(UserHome.of(root, address.toLowerCase(Locale.ROOT)));
  }

  /** Copies the user home {@code home} into {@code target} (created), as the class comment describes. */
  public static void copyHome(Path home, Path target, Sink sink) throws IOException {
    Files.createDirectories(target);
    Map<String, Map<String, Set<String>>> known = new HashMap<>();
    Path index = home.resolve("index.db");
    if (Files.exists(index)) {
      Path copy = target.resolve("index.db");
      boolean copied;
      try {
        try {
          SqliteFiles.snapshot(index, copy);
          copied = Files.exists(copy) && hasSchema(copy);
        } catch (java.nio.file.NoSuchFileException empty) {
          copied = false; // VACUUM INTO of a database that has nothing yet writes no file
        }
        if (copied) {
          known = knownMessages(copy);
        } else {
          // an index being created this very moment (the account opened for the first time): leave it
          // out, the message files are copied as they are and the restored store indexes them
          Files.deleteIfExists(copy);
        }
      } catch (SQLException e) {
        throw new IOException("cannot copy " + index + ": " + e.getMessage(), e);
      }
      for (String leftover : List.of("index.db-wal", "index.db-shm", "index.db-journal")) {
        Files.deleteIfExists(target.resolve(leftover));
      }
      if (copied) {
        sink.written(copy);
      }
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(home)) {
      for (Path p : ds) {
        String n = p.getFileName().toString();
        if (n.equals("Maildir")) {
          copyMaildir(p, target.resolve(n), known, sink);
        } else if (!n.startsWith("index.db")) {
          copyTree(p, target.resolve(n), sink);
        }
      }
    }
  }

  /** mailbox name → base → flags, from the index snapshot. */
  /** Whether the copied index has its tables yet. */
  private static boolean hasSchema(Path indexCopy) throws SQLException {
    try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + indexCopy);
        java.sql.Statement st = c.createStatement();
        java.sql.ResultSet rs = st.executeQuery("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'mailbox'")) {
      return rs.next();
    }
  }

  private static Map<String, Map<String, Set<String>>> knownMessages(Path indexCopy) throws SQLException {
    Map<String, Map<String, Set<String>>> out = new HashMap<>();
    try (MailIndex idx = MailIndex.reader(indexCopy)) {
      for (MailboxInfo m : idx.mailboxes()) {
        Map<String, Set<String>> bases = new HashMap<>();
        for (MessageRecord r : idx.messagesAbove(m.id(), 0)) {
          bases.put(r.base(), r.flags());
        }
        out.put(m.name(), bases);
      }
    }
    return out;
  }

  private static void copyMaildir(Path root, Path target, Map<String, Map<String, Set<String>>> known, Sink sink)
      throws IOException {
    copyFolder(root, target, known.getOrDefault(MailboxNames.INBOX, Map.of()), sink);
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
      for (Path p : ds) {
        String n = p.getFileName().toString();
        if (List.of("cur", "new", "tmp").contains(n)) {
          continue;
        }
        String mailbox = MaildirBlobStore.nameOf(n);
        if (mailbox != null && Files.isDirectory(p.resolve("cur"))) {
          copyFolder(p, target.resolve(n), known.getOrDefault(mailbox, Map.of()), sink);
        } else if (!n.startsWith("postamt-deleted-")) {
          copyTree(p, target.resolve(n), sink);
        }
      }
    }
  }

  private static void copyFolder(Path folder, Path target, Map<String, Set<String>> known, Sink sink)
      throws IOException {
    for (String sub : List.of("cur", "new", "tmp")) {
      Files.createDirectories(target.resolve(sub));
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(folder, Files::isRegularFile)) {
      for (Path p : ds) {
        copyIfThere(p, target.resolve(p.getFileName().toString()), sink);
      }
    }
    Set<String> done = new HashSet<>();
    for (int pass = 0; pass < 2; pass++) {
      for (String sub : List.of("new", "cur")) {
        for (Path p : list(folder.resolve(sub))) {
          String name = p.getFileName().toString();
          String base = MaildirBlobStore.baseOf(name);
          if (done.contains(base)) {
            continue;
          }
          Set<String> flags = known.get(base);
          Path to = flags != null
              ? target.resolve("cur").resolve(MaildirBlobStore.fileName(base, flags))
              : target.resolve(sub).resolve(name);
          if (copyIfThere(p, to, sink) || (sub.equals("cur") && copyRenamed(folder, base, to, sink))) {
            done.add(base);
          }
        }
      }
      if (done.containsAll(known.keySet())) {
        break;
      }
    }
  }

  /** A file renamed (flags) after the listing: found again by its base name in cur/. */
  private static boolean copyRenamed(Path folder, String base, Path to, Sink sink) throws IOException {
    for (int attempt = 0; attempt < 3; attempt++) {
      boolean seen = false;
      for (Path p : list(folder.resolve("cur"))) {
        if (MaildirBlobStore.baseOf(p.getFileName().toString()).equals(base)) {
          seen = true;
          if (copyIfThere(p, to, sink)) {
            return true;
          }
        }
      }
      if (!seen) {
        return false; // expunged
      }
    }
    return false;
  }

  private static boolean copyIfThere(Path source, Path target, Sink sink) throws IOException {
    try {
      sink.copy(source, target);
      return true;
    } catch (NoSuchFileException gone) {
      Files.deleteIfExists(target);
      return false;
    }
  }

  private static List<Path> list(Path dir) throws IOException {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      List<Path> out = new java.util.ArrayList<>();
      ds.forEach(out::add);
      return out;
    } catch (NoSuchFileException e) {
      return List.of();
    }
  }

  /** Copies a file or directory tree as it is, skipping {@code tmp/} directories and SQLite side files. */
  private static void copyTree(Path source, Path target, Sink sink) throws IOException {
    String n = source.getFileName().toString();
    if (n.endsWith("-wal") || n.endsWith("-shm") || n.endsWith("-journal")) {
      return;
    }
    if (Files.isDirectory(source, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      Files.createDirectories(target);
      if (n.equals("tmp")) {
        return;
      }
      for (Path p : list(source)) {
        copyTree(p, target.resolve(p.getFileName().toString()), sink);
      }
    } else if (Files.isRegularFile(source, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      copyIfThere(source, target, sink);
    }
  }
}
