package dev.postamt.net;

/** Runs one connection's conversation on its own virtual thread. */
@FunctionalInterface
public interface ConnectionHandler {
  void handle(Connection connection) throws Exception;

  /**
   * Called instead of {@link #handle} when a connection limit is reached, so the protocol can say so
   * (SMTP {@code 421}, IMAP {@code * BYE}) before the listener closes the socket.
   */
  default void refuse(Connection connection, String reason) throws Exception {}

  /**
   * Called instead of {@link #handle} for a banned client ({@link Listener.Gate}), before the greeting;
   * by default the same words as {@link #refuse}. SMTP answers {@code 554 5.7.1} here (RFC 5321 §3.1: a
   * server may refuse the session with 554 instead of the 220 greeting).
   */
  default void refuseBanned(Connection connection, String reason) throws Exception {
    refuse(connection, reason);
  }

  /** Why a session is ended from outside. */
  enum Goodbye {
    /** The server stops (SIGTERM, {@code Server.close()}). */
    SHUTDOWN,
    /** An administrator ended the user's sessions ({@code postamt kick}). */
    KICK
  }

  /**
   * The protocol's last line to a session ended from outside (without CRLF), e.g. {@code 421 4.3.2
   * mx.example.test Service shutting down} or {@code * BYE Server shutting down}; null to close
   * without a word. {@link Connection#goodbye} says it when the session is between commands.
   */
  default String goodbye(Connection connection, Goodbye why) {
    return null;
  }
}
