package dev.postamt.smtp;

import dev.postamt.net.Connection;
import dev.postamt.queue.DurableSpool;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a message into the spool, from DATA (dot-stuffed, up to {@code CRLF.CRLF}) or from BDAT chunks
 * (RFC 3030), and applies the same rules to both ({@link ContentScanner}): no bare CR or LF, no NUL, a
 * header section within {@code limits.header_size}, a message within {@code limits.message_size}. The
 * data is always read to its end before the refusal, so the session stays in step with the client; a
 * refused message's spool file is removed, nothing having been acknowledged.
 */
final class MessageReceiver {
  private static final Logger log = LoggerFactory.getLogger(MessageReceiver.class);

  private final SmtpServer server;
  private final Connection conn;
  /** What DATA reads a message into, made at the session's first DATA and kept for its next ones. */
  private byte[] dataBlock;

  MessageReceiver(SmtpServer server, Connection conn) {
    this.server = server;
    this.conn = conn;
  }

  /** For the log lines, which are rare enough to work it out each time. */
  private String clientIp() {
    return conn.remote().getAddress().getHostAddress();
  }

  /** A BDAT message while its chunks arrive. */
  static final class Chunks {
    private final DurableSpool.Writer writer;
    private final SpoolSink sink;
    private final ContentScanner scanner;
    private long size;
    private boolean tooBig;

    private Chunks(DurableSpool.Writer writer, long headerLimit) {
      this.writer = writer;
      this.sink = new SpoolSink(writer.out());
      this.scanner = new ContentScanner(sink, headerLimit);
    }

    DurableSpool.Writer writer() {
      return writer;
    }
  }

  DurableSpool.Writer openSpool() throws SmtpException {
    return openSpool(0);
  }

  /** @param declaredSize what the client declared ({@code MAIL FROM ... SIZE=}), 0 when it did not */
  DurableSpool.Writer openSpool(long declaredSize) throws SmtpException {
    try {
      return server.spool.create(DurableSpool.newId(), declaredSize);
    } catch (IOException e) {
      log.error("smtp {}: cannot create a queue file", clientIp(), e);
      throw new SmtpException(SmtpReply.LOCAL_ERROR);
    }
  }

  Chunks openChunks() throws SmtpException {
    return new Chunks(openSpool(), server.config.limits().headerSize());
  }

  /**
   * DATA after the 354: reads the message up to the end marker. On a refusal the spool file is
   * aborted and the exception carries the reply; on success {@code w} holds the message.
   */
  void readData(DurableSpool.Writer w) throws SmtpException, IOException {
    SpoolSink sink = new SpoolSink(w.out());
    ContentScanner scanner = new ContentScanner(sink, server.config.limits().headerSize());
    DataReader.Result r;
    try {
      if (dataBlock == null) {
        dataBlock = DataReader.block();
      }
      r = DataReader.read(conn.in(), scanner, server.config.limits().messageSize(), dataBlock);
    } catch (IOException e) {
      w.abort(); // the client went away: nothing was acknowledged
      throw e;
    }
    SmtpException refusal = refusal(sink, r.tooBig(), scanner.verdict());
    if (refusal != null) {
      w.abort();
      throw refusal;
    }
  }

  /**
   * Reads one BDAT chunk of {@code n} octets in full (even when it will be refused) into {@code c}.
   * Returns the reply for a chunk that is not the last one (250, or the refusal already certain); for
   * the last chunk returns null when the message may be committed. A refusal of the message as a whole
   * is thrown, after the spool file was aborted.
   */
  SmtpReply readChunk(Chunks c, long n, boolean last) throws SmtpException, IOException {
    return readChunk(c, conn.in(), n, last);
  }

  /** {@link #readChunk(Chunks, long, boolean)} with the octets from {@code in} (BURL: from the store). */
  SmtpReply readChunk(Chunks c, InputStream in, long n, boolean last) throws SmtpException, IOException {
    long max = server.config.limits().messageSize();
    byte[] buf = new byte[16 * 1024];
    long left = n;
    while (left > 0) {
      int k = in.read(buf, 0, (int) Math.min(buf.length, left));
      if (k < 0) {
        throw new EOFException(in == conn.in() ? "connection closed during BDAT" : "message shorter than its size (BURL)");
      }
      if (!c.tooBig && c.size + k <= max) {
        c.scanner.write(buf, 0, k);
      } else {
        c.tooBig = true;
      }
      c.size += k;
      left -= k;
    }
    if (c.sink.failure() != null) {
      c.writer.abort();
      throw refusal(c.sink, false, ContentScanner.Verdict.NONE);
    }
    if (!last) {
      if (c.tooBig) {
        return new SmtpReply(552, "5.3.4", "Error: message file too big");
      }
      if (c.scanner.certainlyBad()) {
        return refusal(c.sink, false, c.scanner.verdict()).reply();
      }
      return new SmtpReply(250, "2.0.0", n + " octets received");
    }
    c.scanner.flush();
    SmtpException refusal = refusal(c.sink, c.tooBig, c.scanner.verdict());
    if (refusal != null) {
      c.writer.abort();
      throw refusal;
    }
    return null;
  }

  /** Why a completely read message is refused, or null; the first problem in the order below wins. */
  private SmtpException refusal(SpoolSink sink, boolean tooBig, ContentScanner.Verdict verdict) {
    if (sink.failure() != null) {
      log.error("smtp {}: queue file write failed", clientIp(), sink.failure());
      return new SmtpException(SmtpReply.LOCAL_ERROR);
    }
    if (tooBig) {
      return new SmtpException(SmtpReply.MESSAGE_TOO_BIG);
    }
    return switch (verdict) {
      case NONE -> null;
      case BARE_LINE_ENDING -> {
        log.info("smtp {}: message refused: bare CR or LF (possible SMTP smuggling)", clientIp());
        yield new SmtpException(SmtpReply.BARE_LF);
      }
      case NUL -> {
        log.info("smtp {}: message refused: NUL character in the data", clientIp());
        yield new SmtpException(SmtpReply.NUL_IN_DATA);
      }
      case HEADER_TOO_LARGE -> {
        log.info("smtp {}: message refused: header section larger than {} bytes", clientIp(), server.config.limits().headerSize());
        yield new SmtpException(SmtpReply.HEADER_TOO_BIG);
      }
    };
  }
}
