package dev.postamt.backup;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The list of a snapshot's files with their SHA-256, in {@code sha256sum}'s format ({@code <hex>  <path>},
 * paths relative to the snapshot, {@code /} as separator), so the standard tool can check it as well.
 */
final class Manifest {
  static final String FILE = "MANIFEST.sha256";

  /** path → hex SHA-256, in the order written. */
  final Map<String, String> entries;

  Manifest(Map<String, String> entries) {
    this.entries = entries;
  }

  /** The manifest of a finished snapshot, or empty when it has none (unfinished). */
  static Optional<Manifest> read(Path snapshot) throws IOException {
    Path f = snapshot.resolve(FILE);
    if (!Files.isRegularFile(f)) {
      return Optional.empty();
    }
    Map<String, String> out = new LinkedHashMap<>();
    try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
      String line;
      int n = 0;
      while ((line = r.readLine()) != null) {
        n++;
        if (line.length() < 67 || !line.substring(64, 66).equals("  ") || !line.substring(0, 64).matches("[0-9a-f]{64}")) {
          throw new IOException(f + ":" + n + ": not a sha256sum line");
        }
        out.put(line.substring(66), line.substring(0, 64));
      }
    }
    return Optional.of(new Manifest(out));
  }

  /** Writes the manifest atomically (temp file, fsync, rename): its presence marks the snapshot finished. */
  void write(Path snapshot) throws IOException {
    Path tmp = snapshot.resolve(FILE + ".tmp");
    try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      for (var e : entries.entrySet()) {
        w.write(e.getValue() + "  " + e.getKey() + "\n");
      }
    }
    fsync(tmp);
    Files.move(tmp, snapshot.resolve(FILE), StandardCopyOption.ATOMIC_MOVE);
  }

  static void fsync(Path file) throws IOException {
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-256", e);
    }
  }

  static String hash(Path file) throws IOException {
    MessageDigest md = sha256();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[65536];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /**
   * The first file of the snapshot that is missing or whose content no longer has its recorded hash,
   * as {@code path: reason}; empty when all match.
   */
  Optional<String> firstBad(Path snapshot) throws IOException {
    for (var e : entries.entrySet()) {
      Path f = snapshot.resolve(e.getKey());
      if (!Files.isRegularFile(f)) {
        return Optional.of(e.getKey() + ": missing");
      }
      if (!hash(f).equals(e.getValue())) {
        return Optional.of(e.getKey() + ": SHA-256 differs from the manifest (modified or damaged)");
      }
    }
    return Optional.empty();
  }
}
