package dev.postamt.archive;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The segment files of a journal, {@code segments/YYYYMMDD-NNNN.journal}: the UTC day of the first
 * record, then a counter. Names sort in chain order: a new segment's name always sorts after the one
 * before it, even when the clock went back.
 */
final class Segments {
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd", Locale.ROOT).withZone(ZoneOffset.UTC);
  static final String SUFFIX = ".journal";

  private final Path dir;

  Segments(Path archiveDir) throws IOException {
    this.dir = Files.createDirectories(archiveDir.resolve("segments"));
  }

  /** Where segments live, for reading only ({@link #Segments} creates it). */
  static Path dirOf(Path archiveDir) {
    return archiveDir.resolve("segments");
  }

  Path dir() {
    return dir;
  }

  Path path(String name) {
    return dir.resolve(name);
  }

  /** The segment names, in chain order. */
  List<String> list() throws IOException {
    return list(dir);
  }

  static List<String> list(Path segmentDir) throws IOException {
    List<String> out = new ArrayList<>();
    if (!Files.isDirectory(segmentDir)) {
      return out;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(segmentDir, "*" + SUFFIX)) {
      for (Path p : ds) {
        String n = p.getFileName().toString();
        if (n.matches("\\d{8}-\\d{4,}\\" + SUFFIX)) {
          out.add(n);
        }
      }
    }
    out.sort((a, b) -> {
      int c = a.substring(0, 8).compareTo(b.substring(0, 8));
      return c != 0 ? c : Long.compare(counter(a), counter(b));
    });
    return out;
  }

  private static long counter(String name) {
    return Long.parseLong(name.substring(9, name.length() - SUFFIX.length()));
  }

  static String day(String segment) {
    return segment.substring(0, 8);
  }

  static String day(Instant t) {
    return DAY.format(t);
  }

  /** The name of the segment after {@code current} (null: none yet) begun at {@code now}. */
  String next(String current, Instant now) {
    String day = day(now);
    if (current == null) {
      return String.format(Locale.ROOT, "%s-%04d%s", day, 1, SUFFIX);
    }
    String curDay = day(current);
    if (day.compareTo(curDay) > 0) {
      return String.format(Locale.ROOT, "%s-%04d%s", day, 1, SUFFIX);
    }
    return String.format(Locale.ROOT, "%s-%04d%s", curDay, counter(current) + 1, SUFFIX);
  }

  static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
