package dev.postamt.srs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SRS secrets file: one secret per line (blank lines and {@code #} comments ignored), the first
 * signs, all verify, the same layout as Postsrsd's {@code secrets-file}, so a site moving from Postsrsd
 * can keep its file and the addresses already out there. A secret is the line's bytes (UTF-8), as
 * libsrs2 uses the string it is given.
 *
 * <p>Created on first use with 32 bytes from {@link SecureRandom} (base64), mode 0600, written under a
 * temporary name, fsync'd and then linked into place, so that two processes creating it at once end up
 * with the same key and a crash never leaves an empty file. Read again when its modification time or
 * size changes, so a rotation (a new first line) applies without a restart.
 */
final class SrsKeys {
  private static final Logger log = LoggerFactory.getLogger(SrsKeys.class);

  private final Path file;
  private volatile Loaded loaded;

  private record Loaded(FileTime mtime, long size, List<byte[]> secrets) {}

  SrsKeys(Path file) {
    this.file = file;
  }

  Path file() {
    return file;
  }

  /** The secrets, signing one first; creates the file when there is none. */
  List<byte[]> secrets() throws IOException {
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(file, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      create();
      a = Files.readAttributes(file, BasicFileAttributes.class);
    }
    Loaded l = loaded;
    if (l != null && l.mtime().equals(a.lastModifiedTime()) && l.size() == a.size()) {
      return l.secrets();
    }
    List<byte[]> secrets = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String s = line.strip();
      if (!s.isEmpty() && !s.startsWith("#")) {
        secrets.add(s.getBytes(StandardCharsets.UTF_8));
      }
    }
    if (secrets.isEmpty()) {
      throw new IOException(file + " holds no SRS secret (one per line; the first signs)");
    }
    loaded = new Loaded(a.lastModifiedTime(), a.size(), List.copyOf(secrets));
    return loaded.secrets();
  }

  private void create() throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    byte[] line = (Base64.getEncoder().withoutPadding().encodeToString(random) + "\n").getBytes(StandardCharsets.US_ASCII);
    Path tmp = dir.resolve(file.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-" + Thread.currentThread().threadId());
    try {
      try (FileChannel ch = open(tmp)) {
        ch.write(ByteBuffer.wrap(line));
        ch.force(true);
      }
      try {
        Files.createLink(file, tmp); // fails when another process was quicker: theirs is kept
        log.info("srs: created the SRS key file {}", file);
      } catch (FileAlreadyExistsException e) {
        // someone else's key won; use it
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // some file systems cannot sync a directory; the key is in the file either way
    }
  }

  private static FileChannel open(Path p) throws IOException {
    try {
      FileAttribute<?> owner = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
      return FileChannel.open(p, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), owner);
    } catch (UnsupportedOperationException e) {
      return FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }
  }
}
