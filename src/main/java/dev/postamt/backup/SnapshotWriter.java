package dev.postamt.backup;

import dev.postamt.store.StoreBackup;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Writes the files of one snapshot and records their hashes: a byte copy (fsync'd, modification time
 * kept), or a hard link to the same file of the previous snapshot when its size and modification time
 * show it unchanged (message files are immutable, and a flag rename keeps both).
 */
final class SnapshotWriter implements StoreBackup.Sink {
  private record Earlier(String path, String hash) {}

  private final Path root;
  private final Path previousRoot;
  private final Map<String, Earlier> previous = new HashMap<>();
  final Map<String, String> entries = new LinkedHashMap<>();
  int copied;
  int linked;
  long bytes;

  SnapshotWriter(Path root, Optional<Path> previousSnapshot) throws IOException {
    this.root = root;
    this.previousRoot = previousSnapshot.orElse(null);
    if (previousSnapshot.isPresent()) {
      Manifest m = Manifest.read(previousSnapshot.get()).orElseThrow();
      m.entries.forEach((path, hash) -> previous.put(key(path), new Earlier(path, hash)));
    }
  }

  /** A path's identity across snapshots: a Maildir file without its flag letters. */
  static String key(String path) {
    int slash = path.lastIndexOf('/');
    int info = path.indexOf(":2,", slash + 1);
    return info < 0 ? path : path.substring(0, info);
  }

  String relative(Path target) {
    return root.relativize(target).toString().replace(java.io.File.separatorChar, '/');
  }

  @Override
  public void copy(Path source, Path target) throws IOException {
    String rel = relative(target);
    if (rel.indexOf('\n') >= 0 || rel.indexOf('\r') >= 0) {
      throw new IOException("cannot back up a file whose name holds a line break: " + source);
    }
    BasicFileAttributes a = Files.readAttributes(source, BasicFileAttributes.class);
    Files.createDirectories(target.getParent());
    Earlier e = previous.get(key(rel));
    if (e != null) {
      Path before = previousRoot.resolve(e.path());
      try {
        BasicFileAttributes b = Files.readAttributes(before, BasicFileAttributes.class);
        if (b.size() == a.size() && b.lastModifiedTime().equals(a.lastModifiedTime())) {
          Files.createLink(target, before);
          entries.put(rel, e.hash());
          linked++;
          return;
        }
      } catch (IOException | UnsupportedOperationException noLink) {
        Files.deleteIfExists(target); // copy instead
      }
    }
    MessageDigest md = Manifest.sha256();
    try (InputStream in = Files.newInputStream(source);
        FileChannel ch = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
      byte[] buf = new byte[65536];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
        out.write(buf, 0, n);
        bytes += n;
      }
      ch.force(true);
    }
    Files.setLastModifiedTime(target, a.lastModifiedTime());
    entries.put(rel, HexFormat.of().formatHex(md.digest()));
    copied++;
  }

  @Override
  public void written(Path target) throws IOException {
    entries.put(relative(target), Manifest.hash(target));
    bytes += Files.size(target);
    copied++;
  }
}
