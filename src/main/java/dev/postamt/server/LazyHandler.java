package dev.postamt.server;

import dev.postamt.net.Connection;
import dev.postamt.net.ConnectionHandler;
import java.util.function.Supplier;

/**
 * A protocol's handler made at the first connection to it instead of at start (issue 27, idle memory):
 * a server that only takes mail never loads the IMAP, POP3 or ManageSieve machinery. Made once, by
 * whichever connection comes first; every later call goes to the one made. A handler that cannot be
 * made fails that connection (the listener logs it and closes the socket) and is tried again at the
 * next one.
 */
final class LazyHandler implements ConnectionHandler {
  private final Supplier<? extends ConnectionHandler> make;
  private volatile ConnectionHandler made;

  LazyHandler(Supplier<? extends ConnectionHandler> make) {
    this.make = make;
  }

  /** The handler, made now if no connection made it before. */
  ConnectionHandler get() {
    ConnectionHandler h = made;
    if (h == null) {
      synchronized (this) {
        h = made;
        if (h == null) {
          h = make.get();
          made = h;
        }
      }
    }
    return h;
  }

  /** Whether a connection (or {@link #get}) has made the handler. */
  boolean isMade() {
    return made != null;
  }

  @Override
  public void handle(Connection connection) throws Exception {
    get().handle(connection);
  }

  @Override
  public void refuse(Connection connection, String reason) throws Exception {
    get().refuse(connection, reason);
  }

  @Override
  public void refuseBanned(Connection connection, String reason) throws Exception {
    get().refuseBanned(connection, reason);
  }

  @Override
  public String goodbye(Connection connection, Goodbye why) {
    return get().goodbye(connection, why);
  }
}
