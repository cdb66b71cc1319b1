package dev.postamt.imap;

import java.io.IOException;

/**
 * COMPRESS=DEFLATE (RFC 4978): after the tagged OK, which still goes out plain, both directions of
 * the connection are raw DEFLATE for the rest of it. The deflate layer is the transport's ({@link
 * ImapTransport#startCompression}, {@code net.Connection#compress}), beneath the line deadline and
 * the session's line and literal limits, which so apply to the uncompressed protocol.
 */
final class CompressCommand {
  static final String CAPABILITY = "COMPRESS=DEFLATE";

  private final ImapSession s;
  private boolean active;

  CompressCommand(ImapSession s) {
    this.s = s;
  }

  /**
   * RFC 4978 §3: an unknown mechanism is BAD; a second COMPRESS is {@code NO [COMPRESSIONACTIVE]}
   * (Java's TLS never compresses, so TLS is no reason to refuse).
   */
  void run(String tag, Command.Compress c) throws ImapException, IOException {
    if (!c.mechanism().equals("DEFLATE")) {
      throw ImapException.bad("Unknown compression mechanism");
    }
    if (active) {
      throw ImapException.no("COMPRESSIONACTIVE", "DEFLATE is already active");
    }
    if (!s.transport.canCompress()) {
      throw ImapException.no("CANNOT", "Compression is not available on this connection");
    }
    s.syncSelected(new Command.Tagged(tag, Verb.NOOP, new Command.Noop()));
    s.w.tagged(tag, "OK DEFLATE active");
    s.transport.startCompression();
    active = true;
  }
}
