package dev.postamt.delivery;

import dev.postamt.queue.DurableSpool;
import dev.postamt.queue.QueuedMessage;
import java.io.IOException;
import java.io.InputStream;

/**
 * What a spooled message really contains, for peers that lack 8BITMIME or SMTPUTF8: a message
 * declared BODY=8BITMIME that is plain ASCII can go to any peer. One streaming pass, no copy.
 */
record MessageScan(boolean eightBitHeaders, boolean eightBit) {
  static MessageScan of(DurableSpool spool, QueuedMessage m) throws IOException {
    boolean headers8 = !m.headers().chars().allMatch(c -> c < 128);
    boolean any8 = headers8;
    boolean inHeaders = true;
    int lineLen = 0;
    byte[] buf = new byte[16 * 1024];
    try (InputStream in = spool.openMessage(m)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        for (int i = 0; i < n; i++) {
          int b = buf[i] & 0xff;
          if (b >= 128) {
            any8 = true;
            if (inHeaders) {
              headers8 = true;
            }
          }
          if (b == '\n') {
            if (inHeaders && lineLen == 0) {
              inHeaders = false; // the empty line ends the header section
            }
            lineLen = 0;
          } else if (b != '\r') {
            lineLen++;
          }
        }
        if (any8 && !inHeaders) {
          break;
        }
      }
    }
    return new MessageScan(headers8, any8);
  }
}
