package dev.postamt.antivirus;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * What a piece of content is by its first bytes, not by its name or declared type: the containers
 * the attachment policy looks into, and the programs it refuses. {@link #HEAD} bytes are enough for
 * every test here.
 */
final class ContentMagic {
  /** Bytes read ahead to decide; a tar header is 512, an HTML application's tag may come later. */
  static final int HEAD = 4096;

  /** The containers, by their signatures. */
  enum Kind {
    /** {@code PK\3\4} (or {@code PK\5\6}, an empty archive): APPNOTE.TXT §4.3.7. */
    ZIP,
    /** {@code 1f 8b 08}: RFC 1952 §2.3.1. */
    GZIP,
    /** {@code ustar} at offset 257 (POSIX.1-1988), or a pre-POSIX header whose checksum adds up. */
    TAR,
    /** {@code D0 CF 11 E0 A1 B1 1A E1}: a compound file ([MS-CFB] §2.2), legacy Office and MSI. */
    OLE2,
    SEVEN_Z,
    RAR,
    OTHER
  }

  private static final byte[] OLE2_SIGNATURE = {(byte) 0xD0, (byte) 0xCF, 0x11, (byte) 0xE0, (byte) 0xA1, (byte) 0xB1, 0x1A, (byte) 0xE1};
  private static final byte[] SEVEN_Z = {'7', 'z', (byte) 0xBC, (byte) 0xAF, 0x27, 0x1C};
  private static final byte[] RAR = {'R', 'a', 'r', '!', 0x1A, 0x07};
  /** [MS-SHLLINK] §2.1: HeaderSize 0x4C, then LinkCLSID 00021401-0000-0000-C000-000000000046. */
  private static final byte[] LNK = {0x4C, 0, 0, 0, 0x01, 0x14, 0x02, 0, 0, 0, 0, 0, (byte) 0xC0, 0, 0, 0, 0, 0, 0, 0x46};

  private ContentMagic() {}

  static Kind kind(byte[] h) {
    if (h.length >= 4 && h[0] == 'P' && h[1] == 'K' && ((h[2] == 3 && h[3] == 4) || (h[2] == 5 && h[3] == 6))) {
      return Kind.ZIP;
    }
    if (h.length >= 3 && (h[0] & 0xff) == 0x1f && (h[1] & 0xff) == 0x8b && h[2] == 8) {
      return Kind.GZIP;
    }
    if (startsWith(h, OLE2_SIGNATURE)) {
      return Kind.OLE2;
    }
    if (startsWith(h, SEVEN_Z)) {
      return Kind.SEVEN_Z;
    }
    if (startsWith(h, RAR)) {
      return Kind.RAR;
    }
    if (TarReader.isHeader(h)) {
      return Kind.TAR;
    }
    return Kind.OTHER;
  }

  /** What kind of program the bytes are, or null. */
  static String executable(byte[] h) {
    if (h.length >= 2 && h[0] == 'M' && h[1] == 'Z' && containsNul(h)) {
      return "a Windows executable (MZ)"; // the DOS header has NUL bytes; a text starting "MZ" has none
    }
    if (h.length >= 4 && h[0] == 0x7f && h[1] == 'E' && h[2] == 'L' && h[3] == 'F') {
      return "an ELF executable";
    }
    if (h.length >= 8) {
      long m = u32be(h, 0);
      if (m == 0xfeedfaceL || m == 0xfeedfacfL || m == 0xcefaedfeL || m == 0xcffaedfeL) {
        return "a Mach-O executable";
      }
      // a universal binary has a small count of architectures next; a Java class file (same magic) its version
      if (m == 0xcafebabeL && u32be(h, 4) > 0 && u32be(h, 4) < 20) {
        return "a Mach-O universal executable";
      }
    }
    if (h.length >= 3 && h[0] == '#' && h[1] == '!' && (h[2] == '/' || (h.length >= 4 && h[2] == ' ' && h[3] == '/'))) {
      int end = 2;
      while (end < h.length && end < 60 && h[end] != '\n' && h[end] != '\r') {
        end++;
      }
      return "a script (" + AttachmentPolicy.printable(new String(h, 0, end, StandardCharsets.ISO_8859_1)) + ")";
    }
    if (startsWith(h, LNK)) {
      return "a Windows shortcut (.lnk)";
    }
    // HTML applications (run by mshta.exe with full rights) declare themselves with <HTA:APPLICATION>
    if (new String(h, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT).contains("<hta:application")) {
      return "an HTML application (HTA)";
    }
    return null;
  }

  private static boolean startsWith(byte[] h, byte[] sig) {
    if (h.length < sig.length) {
      return false;
    }
    for (int i = 0; i < sig.length; i++) {
      if (h[i] != sig[i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean containsNul(byte[] h) {
    for (int i = 0; i < Math.min(h.length, 64); i++) {
      if (h[i] == 0) {
        return true;
      }
    }
    return false;
  }

  private static long u32be(byte[] h, int i) {
    return (h[i] & 0xffL) << 24 | (h[i + 1] & 0xffL) << 16 | (h[i + 2] & 0xffL) << 8 | (h[i + 3] & 0xffL);
  }
}
