package dev.postamt.net;

import java.net.SocketTimeoutException;

/**
 * A line did not arrive whole within {@code limits.command_deadline} (see {@link
 * Connection#setLineDeadline}). A {@link SocketTimeoutException}, so every session's time-out reply
 * covers it; a session may name the cause more precisely.
 */
public final class LineDeadlineException extends SocketTimeoutException {
  public LineDeadlineException(long millis) {
    super("line not complete within " + millis + " ms");
  }
}
