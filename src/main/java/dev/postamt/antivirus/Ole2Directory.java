package dev.postamt.antivirus;

import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.Locale;
import java.util.Set;

/**
 * Reads the directory of a compound file ([MS-CFB], the container of legacy Office documents .doc,
 * .xls, .ppt, and of Windows Installer packages) to find out what it holds, without reading a stream:
 *
 * <ul>
 *   <li>macros: a VBA project is a storage named {@code Macros} (Word), {@code _VBA_PROJECT_CUR}
 *       (Excel) or {@code VBA}, with a {@code _VBA_PROJECT} stream ([MS-OVBA] §2.2);
 *   <li>encryption: an encrypted OOXML document is a compound file with {@code EncryptionInfo} and
 *       {@code EncryptedPackage} streams ([MS-OFFCRYPTO] §2.3.4.4);
 *   <li>an installer: the root storage's class id is the one of an MSI, MSP or MST package.
 * </ul>
 *
 * PowerPoint 97-2003 keeps its VBA project inside the "PowerPoint Document" stream, compressed: not
 * seen here (clamd's own OLE2 parser does look there).
 *
 * <p>Limits: the FAT is read from the header's 109 DIFAT slots and a DIFAT chain, the directory
 * followed along the FAT; every chain is cut at the number of sectors the file has and a sector seen
 * twice ends it as damaged, so no file makes this loop or allocate more than its own size.
 */
final class Ole2Directory {
  private static final long ENDOFCHAIN = 0xFFFFFFFEL;
  private static final long FREESECT = 0xFFFFFFFFL;
  private static final Set<String> MACRO_STORAGES = Set.of("macros", "_vba_project_cur", "vba");
  private static final Set<String> MACRO_STREAMS = Set.of("_vba_project");
  /** {000C1084-…}, {000C1086-…}, {000C1082-…} (MSI, MSP, MST) in their byte order on disk: bytes 1 and 0 differ. */
  private static final byte[] MSI_CLSID_TAIL = {0x0C, 0, 0, 0, 0, 0, (byte) 0xC0, 0, 0, 0, 0, 0, 0, 0x46};

  private Ole2Directory() {}

  /**
   * @param macros the storage or stream that holds a VBA project, or null
   * @param damaged what is wrong when the directory cannot be read, else null
   */
  record Result(String macros, boolean encrypted, boolean installer, String damaged) {
    static Result damaged(String why) {
      return new Result(null, false, false, why);
    }
  }

  static Result read(byte[] d) {
    if (d.length < 512) {
      return Result.damaged("a header cut short");
    }
    int shift = u16(d, 0x1E);
    if (shift != 9 && shift != 12) {
      return Result.damaged("an impossible sector size (2^" + shift + ")");
    }
    int ss = 1 << shift;
    long sectors = (d.length - ss + ss - 1L) / ss;
    if (sectors <= 0) {
      return Result.damaged("no sectors");
    }
    long[] fat = fat(d, ss, sectors);
    if (fat == null) {
      return Result.damaged("a damaged allocation table");
    }
    String macros = null;
    boolean encryptionInfo = false;
    boolean encryptedPackage = false;
    boolean installer = false;
    BitSet seen = new BitSet();
    long s = u32(d, 0x30);
    while (s != ENDOFCHAIN) {
      if (s < 0 || s >= sectors || s >= fat.length || seen.get((int) s)) {
        return Result.damaged("a damaged directory chain");
      }
      seen.set((int) s);
      long base = (s + 1) * ss;
      for (long e = base; e + 128 <= base + ss && e + 128 <= d.length; e += 128) {
        int at = (int) e;
        int type = d[at + 0x42];
        int nameLen = u16(d, at + 0x40);
        if (type == 0 || nameLen < 2 || nameLen > 64) {
          continue;
        }
        String name = new String(d, at, nameLen - 2, StandardCharsets.UTF_16LE);
        String lower = name.toLowerCase(Locale.ROOT);
        if (macros == null && ((type == 1 && MACRO_STORAGES.contains(lower)) || (type == 2 && MACRO_STREAMS.contains(lower)))) {
          macros = name;
        }
        encryptionInfo |= type == 2 && lower.equals("encryptioninfo");
        encryptedPackage |= type == 2 && lower.equals("encryptedpackage");
        if (type == 5) {
          installer = (d[at + 0x50] & 0xff) == 0x84 || (d[at + 0x50] & 0xff) == 0x86 || (d[at + 0x50] & 0xff) == 0x82;
          installer &= d[at + 0x51] == 0x10 && java.util.Arrays.equals(d, at + 0x52, at + 0x60, MSI_CLSID_TAIL, 0, 14);
        }
      }
      s = fat[(int) s];
    }
    return new Result(macros, encryptionInfo && encryptedPackage, installer, null);
  }

  /** The allocation table (next sector of each sector), up to the sectors the file has; null when damaged. */
  private static long[] fat(byte[] d, int ss, long sectors) {
    int perSector = ss / 4;
    long fatSectors = u32(d, 0x2C);
    if (fatSectors < 0 || fatSectors > sectors) {
      return null;
    }
    long[] fatAt = new long[(int) fatSectors];
    int n = 0;
    for (int i = 0; i < 109 && n < fatSectors; i++) {
      fatAt[n++] = u32(d, 0x4C + 4 * i);
    }
    long difat = u32(d, 0x44);
    BitSet seen = new BitSet();
    while (n < fatSectors) {
      if (difat < 0 || difat >= sectors || seen.get((int) difat)) {
        return null;
      }
      seen.set((int) difat);
      int base = (int) ((difat + 1) * ss);
      for (int i = 0; i < perSector - 1 && n < fatSectors; i++) {
        fatAt[n++] = u32(d, base + 4 * i);
      }
      difat = u32(d, base + 4 * (perSector - 1));
    }
    long[] fat = new long[(int) Math.min(sectors, fatSectors * perSector)];
    java.util.Arrays.fill(fat, FREESECT);
    for (int k = 0; k < fatSectors; k++) {
      if (fatAt[k] < 0 || fatAt[k] >= sectors) {
        return null;
      }
      int base = (int) ((fatAt[k] + 1) * ss);
      for (int i = 0; i < perSector && (long) k * perSector + i < fat.length; i++) {
        fat[k * perSector + i] = u32(d, base + 4 * i);
      }
    }
    return fat;
  }

  private static int u16(byte[] d, int i) {
    return i < 0 || i + 2 > d.length ? 0 : (d[i] & 0xff) | (d[i + 1] & 0xff) << 8;
  }

  /** A little-endian u32; -1 past the end (read as damaged by every caller). */
  private static long u32(byte[] d, int i) {
    return i < 0 || i + 4 > d.length ? -1 : (u16(d, i) | (long) u16(d, i + 2) << 16);
  }
}
