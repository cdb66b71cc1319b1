package dev.postamt.antivirus;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Walks a tar stream (POSIX.1-2008 "pax" ustar format, with the GNU long-name and pax {@code path}
 * extensions) from front to back: each 512-byte header gives an entry's name, type and size, the
 * entry's content is looked at by the {@link ContentInspector} as it streams past, and the rest of it
 * is skipped. Nothing is held but one header. A header whose checksum does not add up ends the walk
 * as damaged.
 */
final class TarReader {
  private static final int BLOCK = 512;
  /** Longest GNU long name or pax header read; real ones are far shorter. */
  private static final int MAX_META = 64 * 1024;

  private TarReader() {}

  /** A tar header: {@code ustar} magic at 257 (POSIX), or a pre-POSIX (v7) header with a valid checksum. */
  static boolean isHeader(byte[] h) {
    if (h.length < BLOCK) {
      return false;
    }
    boolean ustar = h[257] == 'u' && h[258] == 's' && h[259] == 't' && h[260] == 'a' && h[261] == 'r';
    return ustar ? checksumOk(h) : h[0] != 0 && h[99] == 0 && checksumOk(h) && octal(h, 124, 12) >= 0;
  }

  /** Reads the archive {@code shown} to its end (or its two zero blocks), entry by entry. */
  static void read(InputStream in, String shown, ContentInspector inspector, int depth) throws IOException {
    String longName = null;
    while (true) {
      byte[] h = in.readNBytes(BLOCK);
      if (h.length == 0 || allZero(h)) {
        return; // end of archive (some writers leave out the two zero blocks)
      }
      if (h.length < BLOCK) {
        throw new EOFException("tar archive cut short");
      }
      if (!checksumOk(h)) {
        throw new IOException("damaged tar header (bad checksum)");
      }
      long size = size(h);
      if (size < 0) {
        throw new IOException("damaged tar header (bad size)");
      }
      byte type = h[156];
      if (type == 'L' || type == 'x') { // GNU long name; pax extended header (POSIX.1-2008 "pax", path=)
        if (size > MAX_META) {
          throw new IOException("tar extended header of " + size + " bytes");
        }
        byte[] meta = in.readNBytes((int) size);
        if (meta.length < size) {
          throw new EOFException("tar archive cut short");
        }
        in.skipNBytes(padding(size));
        String name = type == 'L' ? cString(meta, 0, meta.length) : paxPath(meta);
        longName = name != null ? name : longName;
        continue;
      }
      String name = longName != null ? longName : headerName(h);
      longName = null;
      if (type == 'g' || type == '5') { // pax global header; a directory
        skip(in, size + padding(size));
        continue;
      }
      inspector.entryName(name, shown);
      Bounded entry = new Bounded(in, size);
      if (type == '0' || type == 0 || type == '7') { // regular file (old, POSIX, contiguous)
        inspector.content(entry, name, ContentInspector.inside(shown, name), depth + 1);
      }
      skip(in, entry.remaining + padding(size));
    }
  }

  private static void skip(InputStream in, long n) throws IOException {
    try {
      in.skipNBytes(n);
    } catch (EOFException e) {
      throw new EOFException("tar archive cut short");
    }
  }

  private static long padding(long size) {
    return (BLOCK - size % BLOCK) % BLOCK;
  }

  /** POSIX: name, with the ustar prefix (field at 345) and a slash before it when there is one. */
  private static String headerName(byte[] h) {
    String name = cString(h, 0, 100);
    boolean ustar = h[257] == 'u' && h[258] == 's' && h[259] == 't' && h[260] == 'a' && h[261] == 'r';
    String prefix = ustar ? cString(h, 345, 155) : "";
    return prefix.isEmpty() ? name : prefix + "/" + name;
  }

  /** pax records are {@code "LEN KEY=VALUE\n"}; the {@code path} one, or null. */
  private static String paxPath(byte[] meta) {
    String s = new String(meta, StandardCharsets.UTF_8);
    for (String record : s.split("\n")) {
      int sp = record.indexOf(' ');
      if (sp > 0 && record.startsWith("path=", sp + 1)) {
        return record.substring(sp + 6);
      }
    }
    return null;
  }

  /** The size field: octal digits, or base-256 (GNU; the first byte's high bit set) for large files. */
  private static long size(byte[] h) {
    if ((h[124] & 0x80) != 0) {
      long v = 0;
      for (int i = 125; i < 136; i++) {
        if (v >>> 55 != 0) {
          return -1;
        }
        v = v << 8 | (h[i] & 0xff);
      }
      return (h[124] & 0x7f) != 0 ? -1 : v;
    }
    return octal(h, 124, 12);
  }

  /** An octal field (leading spaces, then digits, ended by NUL or space); -1 when not one. */
  private static long octal(byte[] h, int off, int len) {
    long v = 0;
    int i = off;
    while (i < off + len && h[i] == ' ') {
      i++;
    }
    for (; i < off + len && h[i] >= '0' && h[i] <= '7'; i++) {
      v = v * 8 + (h[i] - '0');
    }
    return i < off + len && h[i] != 0 && h[i] != ' ' ? -1 : v;
  }

  /** The header's sum of bytes, with the checksum field itself counted as spaces. */
  private static boolean checksumOk(byte[] h) {
    long sum = 0;
    for (int i = 0; i < BLOCK; i++) {
      sum += i >= 148 && i < 156 ? ' ' : h[i] & 0xff;
    }
    return octal(h, 148, 8) == sum;
  }

  private static boolean allZero(byte[] h) {
    for (byte b : h) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private static String cString(byte[] b, int off, int len) {
    int end = off;
    while (end < off + len && b[end] != 0) {
      end++;
    }
    return new String(b, off, end - off, StandardCharsets.UTF_8);
  }

  /** The next {@code remaining} bytes of the tar stream: one entry's content. Closing it does nothing. */
  private static final class Bounded extends InputStream {
    private final InputStream in;
    long remaining;

    Bounded(InputStream in, long size) {
      this.in = in;
      this.remaining = size;
    }

    @Override
    public int read() throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int c = in.read();
      if (c < 0) {
        throw new EOFException("tar archive cut short");
      }
      remaining--;
      return c;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, remaining));
      if (n < 0) {
        throw new EOFException("tar archive cut short");
      }
      remaining -= n;
      return n;
    }
  }
}
