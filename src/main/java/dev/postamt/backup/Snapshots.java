package dev.postamt.backup;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** The snapshots of a backup directory: named by their UTC start time, finished when they have a manifest. */
final class Snapshots {
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final Pattern NAME = Pattern.compile("\\d{8}T\\d{6}Z(-\\d+)?");

  private Snapshots() {}

  /** A new, empty snapshot directory in {@code dir}. */
  static Path create(Path dir, Instant now) throws IOException {
    String stamp = STAMP.format(now);
    for (int i = 1; ; i++) {
      Path p = dir.resolve(i == 1 ? stamp : stamp + "-" + i);
      try {
        return Files.createDirectory(p);
      } catch (java.nio.file.FileAlreadyExistsException taken) {
        // two backups in one second
      }
    }
  }

  static boolean isSnapshot(Path p) {
    return Files.isRegularFile(p.resolve(Manifest.FILE));
  }

  /** The finished snapshots in {@code dir}, oldest first. */
  static List<Path> finished(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        if (NAME.matcher(p.getFileName().toString()).matches() && isSnapshot(p)) {
          out.add(p);
        }
      }
    }
    out.sort((a, b) -> {
      String x = a.getFileName().toString();
      String y = b.getFileName().toString();
      return x.length() != y.length() && x.substring(0, 16).equals(y.substring(0, 16))
          ? Integer.compare(x.length(), y.length()) : x.compareTo(y);
    });
    return out;
  }

  static Optional<Path> latest(Path dir) throws IOException {
    List<Path> all = finished(dir);
    return all.isEmpty() ? Optional.empty() : Optional.of(all.getLast());
  }

  /** PATH itself when it is a snapshot, else its newest finished snapshot. */
  static Path resolve(Path path) throws IOException {
    if (isSnapshot(path)) {
      return path;
    }
    if (!Files.isDirectory(path)) {
      throw new IOException("no backup at " + path);
    }
    return latest(path).orElseThrow(() -> new IOException("no finished backup in " + path
        + " (a snapshot directory without " + Manifest.FILE + " is unfinished)"));
  }
}
