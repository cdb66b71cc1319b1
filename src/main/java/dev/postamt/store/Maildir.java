package dev.postamt.store;

import java.io.FileNotFoundException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes messages into a Maildir the way every Maildir reader expects: the file is written in {@code
 * tmp/}, fsync'd, then renamed into {@code new/}, and {@code new/} is fsync'd. Names are
 * {@code <time>.<unique>.<host>,S=<size>}; the caller chooses {@code <unique>} so that a retried
 * delivery of the same queue recipient finds its earlier copy instead of writing a second one.
 */
public final class Maildir {
  private Maildir() {}

  /** Creates {@code cur/ new/ tmp/} when missing. */
  public static void create(Path maildir) throws IOException {
    for (String d : new String[] {"cur", "new", "tmp"}) {
      Files.createDirectories(maildir.resolve(d));
    }
  }

  /** The Maildir base name for a delivery. Host name characters '/' and ':' are escaped as in Maildir++. */
  public static String baseName(long epochSeconds, String unique, String host, long size) {
    String h = host.replace("/", "\\057").replace(":", "\\072");
    return epochSeconds + "." + unique + "." + h + ",S=" + size;
  }

  /** Whether a message with this base name is already in {@code new/} or {@code cur/} (any flags). */
  public static boolean contains(Path maildir, String base) throws IOException {
    if (Files.exists(maildir.resolve("new").resolve(base))) {
      return true;
    }
    // cur/ with any flags; new/ too, where a delivery with flags (Sieve imap4flags) writes base:2,<letters>
    for (String sub : new String[] {"cur", "new"}) {
      Path dir = maildir.resolve(sub);
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, p -> p.getFileName().toString().startsWith(base))) {
        for (Path p : ds) {
          String rest = p.getFileName().toString().substring(base.length());
          if (rest.isEmpty() || rest.startsWith(":2,") || rest.startsWith(",")) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** Delivers {@code prefix} followed by {@code message} as {@code new/<base>}; returns the path. Durable on return. */
  public static Path deliver(Path maildir, String base, byte[] prefix, InputStream message) throws IOException {
    return deliver(maildir, base, new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(prefix), message));
  }

  /** Delivers {@code message} as {@code new/<base>}; returns the path. Durable on return. */
  static Path deliver(Path maildir, String base, InputStream message) throws IOException {
    Path tmp = maildir.resolve("tmp").resolve(base);
    Path target = maildir.resolve("new").resolve(base);
    // tmp/ and new/ are made when missing, found so by the open and the rename themselves rather than by
    // looking first (two stat calls per delivery, for a Maildir that exists after the first one)
    FileOutputStream opened;
    try {
      opened = new FileOutputStream(tmp.toFile());
    } catch (FileNotFoundException e) {
      if (Files.isDirectory(tmp.getParent())) {
        throw e; // not a missing tmp/: unwritable, or no space for the file
      }
      create(maildir);
      opened = new FileOutputStream(tmp.toFile());
    }
    // A FileOutputStream, not a channel's stream: the message in memory (a ByteArrayInputStream) writes
    // its array to a FileOutputStream in place, where into any other stream it copies it first, block by
    // block (ByteArrayInputStream.transferTo since JDK 22): one copy of the message fewer per delivery.
    try (FileOutputStream out = opened) {
      message.transferTo(out);
      out.getChannel().force(true);
    } catch (IOException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    try {
      rename(tmp, target);
    } catch (NoSuchFileException e) {
      create(maildir); // new/ missing; a tmp/ file gone meanwhile fails again
      rename(tmp, target);
    }
    DirectorySync.sync(target.getParent());
    return target;
  }

  private static void rename(Path tmp, Path target) throws IOException {
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException e) {
      Files.deleteIfExists(tmp);
    }
  }
}
