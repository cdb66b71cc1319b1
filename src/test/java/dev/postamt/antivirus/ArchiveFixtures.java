package dev.postamt.antivirus;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Archives and documents built byte by byte for the attachment tests: tar (ustar), gzip, a gzip bomb
 * of any claimed size made of repeated deflate blocks, and compound files (OLE2) with the directory
 * entries a test asks for.
 */
public final class ArchiveFixtures {
  private ArchiveFixtures() {}

  /** A ustar archive of (name, content) pairs; a content of null makes a directory entry. */
  public static byte[] tar(Object... nameAndContent) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int i = 0; i < nameAndContent.length; i += 2) {
      String name = (String) nameAndContent[i];
      byte[] data = (byte[]) nameAndContent[i + 1];
      if (name.length() > 100) {
        byte[] longName = (name + "\0").getBytes(StandardCharsets.UTF_8);
        b.writeBytes(tarHeader("././@LongLink", longName.length, 'L'));
        b.writeBytes(longName);
        b.writeBytes(new byte[(512 - longName.length % 512) % 512]);
        name = name.substring(0, 100);
      }
      int size = data == null ? 0 : data.length;
      b.writeBytes(tarHeader(name, size, data == null ? '5' : '0'));
      if (data != null) {
        b.writeBytes(data);
        b.writeBytes(new byte[(512 - size % 512) % 512]);
      }
    }
    b.writeBytes(new byte[1024]);
    return b.toByteArray();
  }

  private static byte[] tarHeader(String name, long size, char type) {
    byte[] h = new byte[512];
    put(h, 0, name);
    put(h, 100, "0000644");
    put(h, 108, "0000000");
    put(h, 116, "0000000");
    put(h, 124, String.format(Locale.ROOT, "%011o", size));
    put(h, 136, "00000000000");
    put(h, 148, "        ");
    h[156] = (byte) type;
    put(h, 257, "ustar");
    put(h, 263, "00");
    int sum = 0;
    for (byte x : h) {
      sum += x & 0xff;
    }
    put(h, 148, String.format(Locale.ROOT, "%06o", sum));
    h[154] = 0;
    h[155] = ' ';
    return h;
  }

  private static void put(byte[] h, int at, String s) {
    byte[] v = s.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(v, 0, h, at, Math.min(v.length, 100));
  }

  public static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(b)) {
      z.write(data);
    }
    return b.toByteArray();
  }

  /**
   * A gzip member that inflates to {@code mib} MiB of zeros, without ever holding them: deflate one
   * MiB, then the block a second MiB compresses to (a run of matches over zeros, valid anywhere after
   * 32 KiB of zeros) repeated; each ends on a byte boundary (a sync flush). The trailer is not right;
   * a reader that stops at its limit never gets there.
   */
  public static byte[] gzipBombOfZeros(long mib) {
    Deflater d = new Deflater(9, true);
    byte[] zeros = new byte[1 << 20];
    byte[] buf = new byte[1 << 20];
    d.setInput(zeros);
    int first = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
    byte[] a = java.util.Arrays.copyOf(buf, first);
    d.setInput(zeros);
    int second = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
    byte[] repeat = java.util.Arrays.copyOf(buf, second);
    d.end();
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3});
    b.writeBytes(a);
    for (long i = 1; i < mib; i++) {
      b.writeBytes(repeat);
    }
    b.writeBytes(new byte[] {3, 0}); // a final empty fixed-Huffman block
    b.writeBytes(new byte[8]);
    return b.toByteArray();
  }

  /** A directory entry of a compound file: name, type (1 storage, 2 stream, 5 root), class id (16 bytes or null). */
  public record Ole2Entry(String name, int type, byte[] clsid) {}

  /**
   * A version 3 compound file ([MS-CFB]) of three sectors: the FAT, the directory, and one sector of
   * stream data; {@code entries} are written into the directory in order after the root entry.
   */
  public static byte[] ole2(byte[] rootClsid, Ole2Entry... entries) {
    if (entries.length > 3) {
      throw new IllegalArgumentException("one directory sector holds four entries");
    }
    ByteBuffer b = ByteBuffer.allocate(512 * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0xD0, (byte) 0xCF, 0x11, (byte) 0xE0, (byte) 0xA1, (byte) 0xB1, 0x1A, (byte) 0xE1});
    b.put(new byte[16]).putShort((short) 0x3E).putShort((short) 3).putShort((short) 0xFFFE).putShort((short) 9)
        .putShort((short) 6).put(new byte[6]).putInt(0).putInt(1).putInt(1).putInt(0).putInt(4096)
        .putInt(-2).putInt(0).putInt(-2).putInt(0);
    b.putInt(0); // DIFAT[0]: the FAT is sector 0
    for (int i = 1; i < 109; i++) {
      b.putInt(-1);
    }
    // sector 0: the FAT — itself, the directory (end of chain), the data sector (end of chain)
    b.position(512).putInt(-3).putInt(-2).putInt(-2);
    for (int i = 3; i < 128; i++) {
      b.putInt(-1);
    }
    // sector 1: the directory
    dirEntry(b, 1024, new Ole2Entry("Root Entry", 5, rootClsid));
    for (int i = 0; i < entries.length; i++) {
      dirEntry(b, 1024 + 128 * (i + 1), entries[i]);
    }
    return b.array();
  }

  private static void dirEntry(ByteBuffer b, int at, Ole2Entry e) {
    byte[] name = (e.name() + "\0").getBytes(StandardCharsets.UTF_16LE);
    b.position(at).put(name);
    b.position(at + 0x40).putShort((short) name.length).put((byte) e.type()).put((byte) 1)
        .putInt(-1).putInt(-1).putInt(-1);
    if (e.clsid() != null) {
      b.put(e.clsid());
    }
    b.position(at + 0x74).putInt(e.type() == 2 ? 2 : -2).putInt(e.type() == 2 ? 16 : 0);
  }

  /** A central directory only (no data): one entry whose ZIP64 sizes claim {@code usize} from {@code csize}. */
  public static byte[] zip64Claiming(long usize, long csize) {
    ByteBuffer b = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
    byte[] name = "zeros.bin".getBytes(StandardCharsets.US_ASCII);
    b.putInt(0x04034b50).put(new byte[26]); // a local header stub, so the data starts like a zip
    int cd = b.position();
    b.putInt(0x02014b50).putShort((short) 45).putShort((short) 45).putShort((short) 0).putShort((short) 8)
        .putInt(0).putInt(0).putInt(-1).putInt(-1).putShort((short) name.length).putShort((short) 20)
        .putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt(0).putInt(0).put(name)
        .putShort((short) 1).putShort((short) 16).putLong(usize).putLong(csize);
    int cdSize = b.position() - cd;
    b.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) 1).putShort((short) 1)
        .putInt(cdSize).putInt(cd).putShort((short) 0);
    return java.util.Arrays.copyOf(b.array(), b.position());
  }
}
