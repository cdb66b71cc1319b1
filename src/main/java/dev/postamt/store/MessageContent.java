package dev.postamt.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;

/**
 * The bytes of one message as a blob store hands them out: a positioned channel, so FETCH can stream
 * the whole message or read a range without holding the message in memory. Message contents never
 * change, and an open content stays readable even if the message is expunged meanwhile. The caller
 * closes it.
 */
public final class MessageContent implements AutoCloseable {
  private final SeekableByteChannel channel;
  private final long size;

  public MessageContent(SeekableByteChannel channel, long size) {
    this.channel = channel;
    this.size = size;
  }

  /** The size in bytes of the stored message. */
  public long size() {
    return size;
  }

  /** The channel, for reads at any position. */
  public SeekableByteChannel channel() {
    return channel;
  }

  /** A stream of the message from its first byte (closing it closes this content). */
  public InputStream stream() throws IOException {
    channel.position(0);
    return Channels.newInputStream(channel);
  }

  /** {@code length} bytes from {@code offset} (fewer at the end of the message). */
  public byte[] read(long offset, int length) throws IOException {
    int n = (int) Math.max(0, Math.min(length, size - offset));
    ByteBuffer buf = ByteBuffer.allocate(n);
    channel.position(offset);
    while (buf.hasRemaining() && channel.read(buf) >= 0) {
      // read fully
    }
    return buf.position() == n ? buf.array() : java.util.Arrays.copyOf(buf.array(), buf.position());
  }

  /** The whole message in memory: for parsing (SEARCH, BODYSTRUCTURE), not for sending it on. */
  public byte[] readAllBytes() throws IOException {
    return read(0, (int) Math.min(Integer.MAX_VALUE - 16, size));
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
