package dev.postamt.net;

import java.io.IOException;

/**
 * An input stream that takes back bytes it has just returned, so a reader may read a block and keep
 * only what belongs to it: an SMTP DATA reader reads the message in blocks and gives back what follows
 * its end marker (pipelined commands), which the session then reads as before.
 */
public interface Unread {
  /**
   * Puts back {@code len} bytes of {@code b}, the last ones the latest read returned: the next read
   * returns them first. They begin a line (the byte before them was a LF).
   */
  void unread(byte[] b, int off, int len) throws IOException;
}
