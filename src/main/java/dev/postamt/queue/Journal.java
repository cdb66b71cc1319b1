package dev.postamt.queue;

import java.io.IOException;
import java.io.InputStream;

/**
 * Where the spool hands a copy of every message it commits, before the commit: the compliance
 * journal ({@code dev.postamt.archive}) implements it and {@code server} wires it in, so this package
 * knows nothing of how the copy is kept. {@link #NONE} when {@code [archive] journal = false}.
 *
 * <p>Contract: {@link #record} returns only once the copy is on stable storage; when it throws, the
 * message must not be acknowledged (the SMTP server answers {@code 451 4.3.0}), so no message is ever
 * accepted without its journal copy. A copy whose acceptance fails later (the spool commit itself
 * fails) stays in the journal: the journal may hold a message twice after a client's retry, never
 * miss one.
 */
public interface Journal {
  /** The journal that keeps nothing. */
  Journal NONE = (envelope, addedHeaders, message, size) -> {};

  /** Opens the message bytes as received (without {@code addedHeaders}); may be called more than once. */
  @FunctionalInterface
  interface MessageBytes {
    InputStream open() throws IOException;
  }

  /**
   * Keeps the message durably.
   *
   * @param addedHeaders the header fields the server puts in front at delivery ({@code Received:},
   *     {@code Authentication-Results:}), CRLF-terminated, possibly empty
   * @param size the length of what {@code message} opens
   */
  void record(Envelope envelope, String addedHeaders, MessageBytes message, long size) throws IOException;
}
