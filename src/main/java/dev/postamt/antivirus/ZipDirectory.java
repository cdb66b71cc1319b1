package dev.postamt.antivirus;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * Reads a zip archive's central directory (APPNOTE.TXT §4.3.12, §4.3.16; ZIP64 §4.3.14, §4.5.3) to
 * judge the archive without inflating anything: the sizes each entry declares give the compression
 * ratio and the total, which is how a bomb (42.zip, a 10 GB file of zeros in 10 MB) shows itself. A
 * nested zip stored without compression is looked into as well, up to {@link #MAX_DEPTH} levels; a
 * compressed nested archive is not opened (that would mean inflating it).
 *
 * <p>Limits: more than {@link #MAX_ENTRIES} entries, more than {@link #MAX_TOTAL} bytes declared
 * uncompressed, or an entry over 1 MiB that claims to grow more than {@link #MAX_RATIO} times is a
 * bomb. A directory that cannot be read is reported as such rather than passed.
 */
final class ZipDirectory {
  static final int MAX_ENTRIES = 10_000;
  static final long MAX_TOTAL = 1L << 30;
  static final long MAX_RATIO = 200;
  static final int MAX_DEPTH = 3;

  private ZipDirectory() {}

  static boolean isZip(byte[] head) {
    return head[0] == 'P' && head[1] == 'K' && ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6));
  }

  /** Adds the findings about the zip archive {@code data} (named {@code shown}) to {@code out}. */
  static void check(byte[] data, String shown, List<AttachmentPolicy.Finding> out) {
    check(data, shown, out, 1);
  }

  private static void check(byte[] d, String shown, List<AttachmentPolicy.Finding> out, int depth) {
    int eocd = -1;
    for (int i = d.length - 22; i >= Math.max(0, d.length - 22 - 65535); i--) {
      if (u32(d, i) == 0x06054b50L) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) {
      out.add(new AttachmentPolicy.Finding("ARCHIVE_UNREADABLE", shown + " looks like a zip archive but has no central directory"));
      return;
    }
    long entries = u16(d, eocd + 10);
    long cdOffset = u32(d, eocd + 16);
    if ((entries == 0xffff || cdOffset == 0xffffffffL) && eocd >= 20 && u32(d, eocd - 20) == 0x07064b50L) {
      long z64 = u64(d, eocd - 20 + 8);
      if (z64 >= 0 && z64 + 56 <= d.length && u32(d, (int) z64) == 0x06064b50L) {
        entries = u64(d, (int) z64 + 32);
        cdOffset = u64(d, (int) z64 + 48);
      }
    }
    if (entries > MAX_ENTRIES) {
      out.add(new AttachmentPolicy.Finding("ARCHIVE_BOMB", shown + " has " + entries + " entries (limit " + MAX_ENTRIES + ")"));
      return;
    }
    long total = 0;
    boolean encrypted = false;
    boolean macros = false;
    boolean bomb = false;
    long p = cdOffset;
    for (long n = 0; n < entries; n++) {
      if (p < 0 || p + 46 > d.length || u32(d, (int) p) != 0x02014b50L) {
        out.add(new AttachmentPolicy.Finding("ARCHIVE_UNREADABLE", shown + ": its central directory is damaged"));
        return;
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
        out.add(new AttachmentPolicy.Finding("ARCHIVE_UNREADABLE", shown + ": its central directory is cut short"));
        return;
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
      total = total + usize < 0 ? Long.MAX_VALUE : total + usize;
      if (usize > (1 << 20) && usize / Math.max(1, csize) > MAX_RATIO && !bomb) {
        bomb = true;
        out.add(new AttachmentPolicy.Finding("ARCHIVE_BOMB", shown + ": \"" + AttachmentPolicy.printable(name)
            + "\" claims to grow from " + csize + " to " + usize + " bytes"));
      }
      encrypted |= (flags & 1) != 0;
      String lower = name.toLowerCase(Locale.ROOT);
      macros |= lower.endsWith("vbaproject.bin");
      AttachmentPolicy.checkName(name, "archive entry", out);
      if (lower.endsWith(".zip") && method == 0 && depth < MAX_DEPTH && local + 30 <= d.length) {
        int l = (int) local;
        if (u32(d, l) == 0x04034b50L) {
          long start = l + 30L + u16(d, l + 26) + u16(d, l + 28);
          if (start + csize <= d.length && csize >= 22) {
            byte[] inner = java.util.Arrays.copyOfRange(d, (int) start, (int) (start + csize));
            check(inner, shown + " / \"" + AttachmentPolicy.printable(name) + "\"", out, depth + 1);
          }
        }
      }
      p = at + 46L + nameLen + extraLen + commentLen;
    }
    if (total > MAX_TOTAL && !bomb) {
      out.add(new AttachmentPolicy.Finding("ARCHIVE_BOMB", shown + " would unpack to " + total + " bytes (limit " + MAX_TOTAL + ")"));
    }
    if (encrypted) {
      out.add(new AttachmentPolicy.Finding("ARCHIVE_ENCRYPTED", shown + " is password-protected: its content cannot be checked"));
    }
    if (macros) {
      out.add(new AttachmentPolicy.Finding("OFFICE_MACRO", shown + " is an Office document with macros (vbaProject.bin)"));
    }
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
