package dev.postamt.antivirus;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads a zip archive's central directory (APPNOTE.TXT §4.3.12, §4.3.16; ZIP64 §4.3.14, §4.5.3) to
 * judge the archive before inflating anything: the sizes each entry declares give the compression
 * ratio and the total, which is how a bomb (42.zip, a 10 GB file of zeros in 10 MB) shows itself, and
 * such an archive is not opened at all. Otherwise each entry (stored or deflated, not encrypted) is
 * handed to the {@link ContentInspector} as a stream that inflates under watch ({@link
 * InflatingStream}): the inspector reads its first bytes, and all of it only when it is itself an
 * archive or compound file.
 *
 * <p>Limits ({@link ArchiveBudget}): more entries than allowed, more bytes declared uncompressed, or
 * an entry over 1 MiB that claims to grow more than {@code MAX_RATIO} times is a bomb; so is an entry
 * that inflates past the size it declares. A directory that cannot be read is reported as such rather
 * than passed; an encrypted entry flags the archive as password-protected.
 */
final class ZipDirectory {
  private ZipDirectory() {}

  /** One entry as the central directory describes it. */
  private record Entry(String name, int method, boolean encrypted, long csize, long usize, long local) {}

  /** Adds the findings about the zip archive {@code d} (named {@code shown}, at {@code depth}). */
  static void check(byte[] d, String shown, ContentInspector inspector, int depth) throws IOException {
    int eocd = -1;
    for (int i = d.length - 22; i >= Math.max(0, d.length - 22 - 65535); i--) {
      if (u32(d, i) == 0x06054b50L) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) {
      throw new IOException("looks like a zip archive but has no central directory");
    }
    long count = u16(d, eocd + 10);
    long cdOffset = u32(d, eocd + 16);
    if ((count == 0xffff || cdOffset == 0xffffffffL) && eocd >= 20 && u32(d, eocd - 20) == 0x07064b50L) {
      long z64 = u64(d, eocd - 20 + 8);
      if (z64 >= 0 && z64 + 56 <= d.length && u32(d, (int) z64) == 0x06064b50L) {
        count = u64(d, (int) z64 + 32);
        cdOffset = u64(d, (int) z64 + 48);
      }
    }
    if (count < 0 || count > ArchiveBudget.MAX_ENTRIES) {
      throw new ArchiveLimit(shown + " has " + count + " entries (limit " + ArchiveBudget.MAX_ENTRIES + ")");
    }
    List<Entry> entries = new ArrayList<>();
    boolean encrypted = false;
    boolean macros = false;
    long p = cdOffset;
    for (long n = 0; n < count; n++) {
      if (p < 0 || p + 46 > d.length || u32(d, (int) p) != 0x02014b50L) {
        throw new IOException("its central directory is damaged");
      }
      int at = (int) p;
      int flags = u16(d, at + 8);
      int method = u16(d, at + 10);
      long csize = u32(d, at + 20);
      long usize = u32(d, at + 24);
      int nameLen = u16(d, at + 28);
      int extraLen = u16(d, at + 30);
      int commentLen = u16(d, at + 32);
      long local = u32(d, at + 42);
      if (at + 46 + nameLen + extraLen > d.length) {
        throw new IOException("its central directory is cut short");
      }
      String name = new String(d, at + 46, nameLen, (flags & 0x800) != 0 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
      // ZIP64 extended information: the 8-byte values of the fields set to 0xFFFFFFFF, in this order
      int x = at + 46 + nameLen;
      int xEnd = x + extraLen;
      while (x + 4 <= xEnd) {
        int id = u16(d, x);
        int len = u16(d, x + 2);
        if (id == 0x0001) {
          int v = x + 4;
          if (usize == 0xffffffffL && v + 8 <= x + 4 + len) {
            usize = u64(d, v);
            v += 8;
          }
          if (csize == 0xffffffffL && v + 8 <= x + 4 + len) {
            csize = u64(d, v);
            v += 8;
          }
          if (local == 0xffffffffL && v + 8 <= x + 4 + len) {
            local = u64(d, v);
          }
        }
        x += 4 + len;
      }
      if (usize < 0) {
        usize = Long.MAX_VALUE; // beyond 2^63: a bomb by any measure
      }
      if (usize > ArchiveBudget.RATIO_FLOOR && usize / Math.max(1, csize) > ArchiveBudget.MAX_RATIO) {
        throw new ArchiveLimit(shown + ": \"" + AttachmentPolicy.printable(name) + "\" claims to grow from " + csize
            + " to " + usize + " bytes");
      }
      inspector.budget().declared(usize, shown);
      boolean entryEncrypted = (flags & 1) != 0;
      encrypted |= entryEncrypted;
      macros |= name.toLowerCase(Locale.ROOT).endsWith("vbaproject.bin");
      entries.add(new Entry(name, method, entryEncrypted, csize, usize, local));
      p = at + 46L + nameLen + extraLen + commentLen;
    }
    if (encrypted) {
      inspector.add(AttachmentSymbol.ARCHIVE_ENCRYPTED, shown + " is password-protected: its content cannot be checked");
    }
    if (macros) {
      inspector.add(AttachmentSymbol.OFFICE_MACRO, shown + " is an Office document with macros (vbaProject.bin)");
    }
    for (Entry e : entries) {
      inspector.entryName(e.name(), shown);
      if (!e.encrypted() && !e.name().endsWith("/") && (e.method() == 0 || e.method() == 8)) {
        try (InputStream in = open(d, e, inspector, ContentInspector.inside(shown, e.name()))) {
          if (in != null) {
            inspector.content(in, e.name(), ContentInspector.inside(shown, e.name()), depth + 1);
          }
        }
      }
    }
  }

  /** The entry's data from its local header (APPNOTE §4.3.7), inflating when deflated; null when out of bounds. */
  private static InputStream open(byte[] d, Entry e, ContentInspector inspector, String shown) throws IOException {
    if (e.local() < 0 || e.local() + 30 > d.length || u32(d, (int) e.local()) != 0x04034b50L) {
      throw new IOException("a local header is missing");
    }
    int l = (int) e.local();
    long start = l + 30L + u16(d, l + 26) + u16(d, l + 28);
    long end = Math.min(d.length, start + e.csize());
    if (start > d.length) {
      throw new IOException("an entry lies past the end");
    }
    InputStream raw = new ByteArrayInputStream(d, (int) start, (int) (end - start));
    if (e.method() == 0) {
      return raw;
    }
    return new InflatingStream(raw, e.usize(), inspector.budget(), shown);
  }

  private static int u16(byte[] d, int i) {
    return i < 0 || i + 2 > d.length ? 0 : (d[i] & 0xff) | (d[i + 1] & 0xff) << 8;
  }

  private static long u32(byte[] d, int i) {
    return i < 0 || i + 4 > d.length ? -1 : (u16(d, i) | (long) u16(d, i + 2) << 16);
  }

  private static long u64(byte[] d, int i) {
    return i < 0 || i + 8 > d.length ? -1 : (u32(d, i) | u32(d, i + 4) << 32);
  }
}
