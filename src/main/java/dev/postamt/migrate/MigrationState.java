package dev.postamt.migrate;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a migration has copied, so that it resumes after an interruption and copies only what is new on
 * a later run: per source folder its UIDVALIDITY, the target mailbox's UIDVALIDITY, and which source
 * UID became which target UID. An append-only text file, one fsync'd write per batch; a torn last
 * line (a crash mid-write) is ignored, so at worst that batch is copied again.
 *
 * <p>Lines: {@code F <folder> <source uidvalidity> <target uidvalidity>} starts (or restarts) a
 * folder; {@code C <folder> <source uid> <target uid>} records a copy. Folder names are URL-encoded.
 */
final class MigrationState {
  /** One folder's progress. */
  static final class Folder {
    long sourceUidValidity;
    long targetUidValidity;
    final Map<Long, Long> copied = new TreeMap<>();
  }

  private final Path file;
  final Map<String, Folder> folders = new HashMap<>();

  private MigrationState(Path file) {
    this.file = file;
  }

  static MigrationState load(Path file) throws IOException {
    MigrationState s = new MigrationState(file);
    if (!Files.exists(file)) {
      return s;
    }
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = r.readLine()) != null) {
        String[] p = line.split(" ");
        if (p.length != 4) {
          continue; // torn
        }
        try {
          String folder = URLDecoder.decode(p[1], StandardCharsets.UTF_8);
          long a = Long.parseLong(p[2]);
          long b = Long.parseLong(p[3]);
          if (p[0].equals("F")) {
            Folder f = new Folder();
            f.sourceUidValidity = a;
            f.targetUidValidity = b;
            s.folders.put(folder, f);
          } else if (p[0].equals("C") && s.folders.containsKey(folder)) {
            s.folders.get(folder).copied.put(a, b);
          }
        } catch (IllegalArgumentException torn) {
          // ignored: written again by the next run
        }
      }
    }
    return s;
  }

  /** Starts a folder afresh (first run, or its UIDVALIDITY changed) and records it. */
  Folder start(String folder, long sourceUidValidity, long targetUidValidity) throws IOException {
    Folder f = new Folder();
    f.sourceUidValidity = sourceUidValidity;
    f.targetUidValidity = targetUidValidity;
    folders.put(folder, f);
    append("F " + enc(folder) + " " + sourceUidValidity + " " + targetUidValidity + "\n");
    return f;
  }

  /** Records a batch of copies (source UID → target UID) durably. */
  void copied(String folder, Map<Long, Long> batch) throws IOException {
    if (batch.isEmpty()) {
      return;
    }
    StringBuilder b = new StringBuilder();
    batch.forEach((src, dst) -> b.append("C ").append(enc(folder)).append(' ').append(src).append(' ').append(dst).append('\n'));
    folders.get(folder).copied.putAll(batch);
    append(b.toString());
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private void append(String text) throws IOException {
    Files.createDirectories(file.getParent());
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.READ); OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
      ch.position(ch.size()); // append; one writer (this run) at a time
      if (ch.size() > 0) {
        java.nio.ByteBuffer last = java.nio.ByteBuffer.allocate(1);
        ch.read(last, ch.size() - 1);
        if (last.get(0) != '\n') {
          out.write('\n'); // end a line torn by a crash, so that it stays alone (and ignored)
        }
      }
      out.write(text.getBytes(StandardCharsets.UTF_8));
      ch.force(true);
    }
  }
}
