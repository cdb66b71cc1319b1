package dev.postamt.imap;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

/**
 * What a session needs from its connection: two streams and STARTTLS. {@code net.Connection} is adapted
 * to it in {@link ImapServer}; tests use sockets or pipes. After {@link #startTls} the streams returned
 * by {@link #in()} and {@link #out()} carry TLS, and any plaintext the client sent after STARTTLS is
 * gone.
 */
public interface ImapTransport {
  InputStream in();

  OutputStream out();

  boolean isTls();

  /** Whether STARTTLS is possible here (a TLS context exists and TLS is not already on). */
  boolean canStartTls();

  void startTls() throws IOException;

  /** Whether {@link #startCompression} is possible here (COMPRESS=DEFLATE, RFC 4978). */
  default boolean canCompress() {
    return false;
  }

  /**
   * From now on both directions are raw DEFLATE, beneath the same {@link #in()} and {@link #out()}
   * streams ({@link dev.postamt.net.Connection#compress}); the caller has flushed its last plain reply.
   */
  default void startCompression() throws IOException {
    throw new IOException("compression not available on this transport");
  }

  /** While on, a shutdown waits for the literal being received ({@link dev.postamt.net.Connection#holdGoodbye}). */
  default void holdGoodbye(boolean on) {}

  /** Runs output written from another thread (IDLE's notifier) so that it never overlaps a goodbye. */
  default void writeAside(dev.postamt.net.Connection.Write write) throws IOException {
    write.run();
  }

  /** The session waits for {@code DONE} (IDLE): the connection may shrink its buffers meanwhile. */
  default void park() {}

  /** The session logged in as {@code user} (for {@code postamt who} and {@code kick}). */
  default void loggedIn(String user) {}

  /** Read time-out; the session uses it for the autologout timer (RFC 3501 §5.4). */
  default void setReadTimeout(Duration d) {}

  default String remote() {
    return "?";
  }

  /** The client's address, for the failed-login count per address; null when unknown (tests). */
  default java.net.InetAddress remoteAddress() {
    return null;
  }

  /** Whether the peer is on this machine (then, as in Dovecot, the channel counts as secure). */
  default boolean isLoopback() {
    return false;
  }
}
