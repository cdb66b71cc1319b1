package dev.postamt.upgrade;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** One snapshot under {@code data_dir/upgrade/} (layout in the package comment). */
record UpgradeSnapshot(Path dir, String from, String to, Instant created, Map<String, String> files) {
  static final String DIR = "upgrade";
  static final String MANIFEST = "MANIFEST.sha256";
  static final String INFO = "upgrade.info";
  static final String ROLLED_BACK = "ROLLED-BACK";
  static final String ASIDE = ".rolled-back";

  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  /** Directories that hold no SQLite state of their own: ours, locks and sockets, and Maildir folders. */
  private static final Set<String> SKIPPED = Set.of(DIR, "run", "tmp", "cur", "new", "restore-saved");

  /** The data directory's SQLite files, as paths relative to it ({@code /} as separator), sorted. */
  static List<String> sqliteFiles(Path dataDir) throws IOException {
    List<String> out = new ArrayList<>();
    collect(dataDir, dataDir, out);
    out.sort(null);
    return out;
  }

  private static void collect(Path dataDir, Path dir, List<String> out) throws IOException {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        String n = p.getFileName().toString();
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          if (!SKIPPED.contains(n) && !n.endsWith(".before-restore")) {
            collect(dataDir, p, out);
          }
        } else if ((n.endsWith(".db") || n.endsWith(".sqlite")) && isSqlite(p)) {
          out.add(dataDir.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/"));
        }
      }
    }
  }

  private static boolean isSqlite(Path f) throws IOException {
    try (InputStream in = Files.newInputStream(f, LinkOption.NOFOLLOW_LINKS)) {
      return new String(in.readNBytes(16), StandardCharsets.ISO_8859_1).equals("SQLite format 3\0");
    }
  }

  /**
   * Copies every SQLite file of {@code dataDir} into a new snapshot, byte for byte, so that a rollback
   * gives back exactly the file the older build wrote, with the {@code -wal} a crash may have left (it
   * belongs to the file). Only called while no server runs on the data directory, and before the
   * calling build opens any of them; not the online {@code VACUUM INTO} copy of {@code postamt backup},
   * which rewrites the file.
   */
  static UpgradeSnapshot take(Path dataDir, String from, String to) throws IOException {
    Instant now = Instant.now();
    Path root = dataDir.resolve(DIR);
    Files.createDirectories(root);
    String base = safe(from) + "-to-" + safe(to) + "-" + STAMP.format(now);
    Path dir = root.resolve(base);
    for (int i = 2; Files.exists(dir); i++) {
      dir = root.resolve(base + "-" + i);
    }
    Files.createDirectory(dir);
    Map<String, String> files = new LinkedHashMap<>();
    for (String rel : sqliteFiles(dataDir)) {
      Path source = dataDir.resolve(rel);
      Path target = dir.resolve("files").resolve(rel);
      Files.createDirectories(target.getParent());
      copy(source, target);
      Path wal = source.resolveSibling(source.getFileName() + "-wal");
      if (Files.isRegularFile(wal) && Files.size(wal) > 0) {
        Path walCopy = target.resolveSibling(target.getFileName() + "-wal");
        copy(wal, walCopy);
        files.put("files/" + rel + "-wal", hash(walCopy));
      }
      files.put("files/" + rel, hash(target));
    }
    Path info = dir.resolve(INFO);
    Files.writeString(info, "from=" + from + "\nto=" + to + "\ncreated=" + now + "\n", StandardCharsets.UTF_8);
    fsync(info);
    Path tmp = dir.resolve(MANIFEST + ".tmp");
    try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      for (var e : files.entrySet()) {
        w.write(e.getValue() + "  " + e.getKey() + "\n");
      }
    }
    fsync(tmp);
    Files.move(tmp, dir.resolve(MANIFEST), StandardCopyOption.ATOMIC_MOVE);
    return new UpgradeSnapshot(dir, from, to, now, files);
  }

  /** The newest finished snapshot of the data directory, if any. */
  static Optional<UpgradeSnapshot> latest(Path dataDir) throws IOException {
    Path root = dataDir.resolve(DIR);
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    UpgradeSnapshot best = null;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(root, Files::isDirectory)) {
      for (Path d : ds) {
        Optional<UpgradeSnapshot> s = read(d);
        if (s.isPresent() && (best == null || s.get().created().isAfter(best.created()))) {
          best = s.get();
        }
      }
    }
    return Optional.ofNullable(best);
  }

  private static Optional<UpgradeSnapshot> read(Path dir) throws IOException {
    Path manifest = dir.resolve(MANIFEST);
    Path info = dir.resolve(INFO);
    if (!Files.isRegularFile(manifest) || !Files.isRegularFile(info)) {
      return Optional.empty(); // unfinished
    }
    Map<String, String> kv = new LinkedHashMap<>();
    for (String line : Files.readAllLines(info, StandardCharsets.UTF_8)) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        kv.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    Map<String, String> files = new LinkedHashMap<>();
    try (BufferedReader r = Files.newBufferedReader(manifest, StandardCharsets.UTF_8)) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.length() < 67 || !line.substring(0, 64).matches("[0-9a-f]{64}") || !line.startsWith("  ", 64)) {
          throw new IOException(manifest + ": not a sha256sum line: " + line);
        }
        files.put(line.substring(66), line.substring(0, 64));
      }
    }
    Instant created;
    try {
      created = Instant.parse(kv.getOrDefault("created", ""));
    } catch (java.time.format.DateTimeParseException e) {
      throw new IOException(info + ": no valid created= line", e);
    }
    return Optional.of(new UpgradeSnapshot(dir, kv.getOrDefault("from", "unknown"), kv.getOrDefault("to", "unknown"), created, files));
  }

  boolean rolledBack() {
    return Files.exists(dir.resolve(ROLLED_BACK));
  }

  /** The first file whose content no longer has its recorded hash, as {@code path: reason}. */
  Optional<String> firstBad() throws IOException {
    for (var e : files.entrySet()) {
      Path f = dir.resolve(e.getKey());
      if (!Files.isRegularFile(f)) {
        return Optional.of(e.getKey() + ": missing");
      }
      if (!hash(f).equals(e.getValue())) {
        return Optional.of(e.getKey() + ": SHA-256 differs from the manifest");
      }
    }
    return Optional.empty();
  }

  /** A version as a directory-name part: anything but letters, digits and {@code . _ + -} becomes {@code _}. */
  static String safe(String version) {
    return version.replaceAll("[^A-Za-z0-9._+-]", "_");
  }

  static void copy(Path source, Path target) throws IOException {
    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
    fsync(target);
  }

  static void fsync(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }

  static String hash(Path file) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-256", e);
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[65536];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
