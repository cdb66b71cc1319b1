package dev.postamt.routing;

import dev.postamt.directory.Directory;
import dev.postamt.server.Config;

/**
 * Decides who is local and expands aliases (directory aliases, the {@code aliases_file}, per-user
 * {@code .forward}) into final destinations.
 */
public final class Router {
  public Router(Directory directory, Config config) {}

  public Resolution resolve(String recipient) {
    throw new UnsupportedOperationException("router not written yet");
  }

  /** Whether {@code authUser} may use {@code mailFrom} as sender: own address or an alias leading to it. */
  public boolean mayUseSender(String authUser, String mailFrom) {
    throw new UnsupportedOperationException("router not written yet");
  }
}
