package dev.postamt.queue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A message being received while it is only in memory ({@link DurableSpool.Writer}): the blocks it
 * arrived in, none copied while it grows, and once it is read, all of it in one array of its length
 * ({@link #whole}), made once. A single array that doubled as the message grew allocated 252 KiB and
 * copied 124 KiB for a 100 KiB message, and the spam check then copied it once more into an array of its
 * own (bench/README.md, 2026-12-06 19:08); now the blocks take about 1.25 times the message, the whole
 * array its size, and a reader that wants one array takes that one ({@link Stream#unread}).
 *
 * <p>Not thread-safe: one per SMTP transaction, as its writer.
 */
public final class InMemoryMessage {
  private byte[][] blocks = new byte[8][];
  /** Blocks in use; the last is filled up to {@link #fill}. */
  private int count;
  private int fill;
  private int length;
  /** The message as one array of {@link #length} bytes, once asked for; null after a later append. */
  private byte[] whole;

  InMemoryMessage(int firstBlock) {
    blocks[0] = new byte[firstBlock];
    count = 1;
  }

  /** A message already in one array, which becomes its {@link #whole}. */
  static InMemoryMessage of(byte[] whole) {
    return new InMemoryMessage(whole);
  }

  private InMemoryMessage(byte[] all) {
    blocks[0] = all;
    count = 1;
    fill = all.length;
    length = all.length;
    whole = all;
  }

  int length() {
    return length;
  }

  void append(byte b) {
    byte[] last = blocks[count - 1];
    if (fill == last.length) {
      addBlock(1);
      last = blocks[count - 1];
    }
    last[fill++] = b;
    length++;
    whole = null;
  }

  void append(byte[] b, int off, int len) {
    while (len > 0) {
      byte[] last = blocks[count - 1];
      if (fill == last.length) {
        addBlock(len);
        last = blocks[count - 1];
      }
      int n = Math.min(len, last.length - fill);
      System.arraycopy(b, off, last, fill, n);
      fill += n;
      length += n;
      off += n;
      len -= n;
    }
    whole = null;
  }

  /** A new last block: as large as all before it (the total doubles), at least {@code need} bytes. */
  private void addBlock(int need) {
    if (count == blocks.length) {
      blocks = java.util.Arrays.copyOf(blocks, count * 2);
    }
    blocks[count++] = new byte[Math.max(need, length)];
    fill = 0;
  }

  /**
   * The message in one array of its length; the same array until something is appended. Its first block
   * when that holds it exactly, else the blocks joined (and kept as the only block: they are not needed
   * twice). Never to be changed by its readers.
   */
  byte[] whole() {
    if (whole != null) {
      return whole;
    }
    byte[] all;
    if (count == 1 && fill == length && blocks[0].length == length) {
      all = blocks[0];
    } else {
      all = new byte[length];
      int at = 0;
      for (int i = 0; i < count; i++) {
        int n = i == count - 1 ? fill : blocks[i].length;
        System.arraycopy(blocks[i], 0, all, at, n);
        at += n;
      }
    }
    java.util.Arrays.fill(blocks, null);
    blocks[0] = all;
    count = 1;
    fill = length;
    whole = all;
    return all;
  }

  /** Writes the message to {@code out}, block by block. */
  void writeTo(OutputStream out) throws IOException {
    for (int i = 0; i < count; i++) {
      out.write(blocks[i], 0, i == count - 1 ? fill : blocks[i].length);
    }
  }

  /** A stream of the message. */
  Stream stream() {
    return new Stream(whole());
  }

  /**
   * A stream over a whole message in one array: a reader that wants the message in one array takes it
   * from here ({@link #unread}) instead of reading it into a copy.
   */
  public static final class Stream extends ByteArrayInputStream {
    Stream(byte[] whole) {
      super(whole);
    }

    /** The whole message when nothing of it was read or skipped yet, else null; never to be changed. */
    public byte[] unread() {
      return pos == 0 && count == buf.length ? buf : null;
    }
  }
}
