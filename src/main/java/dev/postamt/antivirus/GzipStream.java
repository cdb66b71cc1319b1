package dev.postamt.antivirus;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * The content of a gzip file (RFC 1952): each member's header (§2.3) read, its deflate data inflated
 * under watch ({@link InflatingStream}), and the members one after another as gunzip writes them
 * ({@code cat a.gz b.gz} is one file of both), so a bomb in a later member counts too. The CRC and
 * size in each trailer are skipped, not checked: a damaged one does not hide anything from us.
 */
final class GzipStream extends InputStream {
  private final ArchiveBudget budget;
  private final String shown;
  private final String name;
  private InflatingStream member;

  private GzipStream(InputStream in, ArchiveBudget budget, String shown, String name) {
    this.budget = budget;
    this.shown = shown;
    this.name = name;
    this.member = new InflatingStream(in, -1, budget, shown);
  }

  /**
   * Reads the first member's header from {@code in}.
   *
   * @param fallbackName the name to give the content when the header holds none (FNAME)
   * @param shownParent the gzip file's name in reasons
   */
  static GzipStream open(InputStream in, String fallbackName, ArchiveBudget budget, String shownParent) throws IOException {
    String stored = header(in);
    String name = stored != null ? stored : fallbackName;
    return new GzipStream(in, budget, ContentInspector.inside(shownParent, name), name);
  }

  /** The name of the content: the first member's FNAME, else the one given. */
  String name() {
    return name;
  }

  /** Reads a member header; returns its FNAME (ISO 8859-1), or null. */
  private static String header(InputStream in) throws IOException {
    byte[] fixed = in.readNBytes(10);
    if (fixed.length < 10) {
      throw new EOFException("gzip header cut short");
    }
    if ((fixed[0] & 0xff) != 0x1f || (fixed[1] & 0xff) != 0x8b || fixed[2] != 8) {
      throw new IOException("not a gzip member");
    }
    int flags = fixed[3] & 0xff;
    if ((flags & 0x04) != 0) { // FEXTRA
      byte[] len = in.readNBytes(2);
      if (len.length < 2) {
        throw new EOFException("gzip header cut short");
      }
      skip(in, (len[0] & 0xff) | (len[1] & 0xff) << 8);
    }
    String name = (flags & 0x08) != 0 ? zeroTerminated(in) : null; // FNAME
    if ((flags & 0x10) != 0) { // FCOMMENT
      zeroTerminated(in);
    }
    if ((flags & 0x02) != 0) { // FHCRC
      skip(in, 2);
    }
    return name;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (member != null) {
      int n = member.read(b, off, len);
      if (n > 0) {
        return n;
      }
      nextMember();
    }
    return -1;
  }

  /** After a member's data: its 8-byte trailer, then another member or the end (trailing bytes ignored, as gunzip does). */
  private void nextMember() throws IOException {
    InputStream rest = member.rest();
    member.end();
    skip(rest, 8);
    byte[] magic = rest.readNBytes(2);
    if (magic.length < 2 || (magic[0] & 0xff) != 0x1f || (magic[1] & 0xff) != 0x8b) {
      member = null;
      return;
    }
    header(new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(magic), rest));
    member = new InflatingStream(rest, -1, budget, shown);
  }

  @Override
  public void close() {
    if (member != null) {
      member.end();
    }
  }

  private static void skip(InputStream in, long n) throws IOException {
    try {
      in.skipNBytes(n);
    } catch (EOFException e) {
      throw new EOFException("gzip data cut short");
    }
  }

  private static String zeroTerminated(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    for (int c = in.read(); c != 0; c = in.read()) {
      if (c < 0) {
        throw new EOFException("gzip header cut short");
      }
      if (b.length() < 1024) {
        b.append((char) c);
      }
    }
    return b.toString();
  }
}
