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
}
