package dev.postamt.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ports for a test to hand to a server it starts later (a config file, a peer such as Dovecot or
 * PostgreSQL). Asking the kernel for port 0 and closing the socket is not enough when tests run in
 * parallel: the kernel hands the same ephemeral numbers to outgoing connections, and a port free on
 * 127.0.0.1 may be taken on 127.0.1.3. So ports come from below the ephemeral range (32768–60999 on
 * Linux), each number at most once per JVM, and each is checked free on the wildcard address, which
 * conflicts with a listener on any address.
 */
public final class Ports {
  private static final int FIRST = 20_000;
  private static final int COUNT = 12_000;
  private static final AtomicInteger NEXT = new AtomicInteger(ThreadLocalRandom.current().nextInt(COUNT));

  private Ports() {}

  /** A port no listener uses on any address, never returned before in this JVM. */
  public static int free() {
    for (int tries = 0; tries < COUNT; tries++) {
      int port = FIRST + Math.floorMod(NEXT.getAndIncrement(), COUNT);
      try (ServerSocket s = new ServerSocket()) {
        s.setReuseAddress(false);
        s.bind(new InetSocketAddress(port));
        return port;
      } catch (IOException taken) {
        // in use: try the next
      }
    }
    throw new UncheckedIOException(new IOException("no free port in " + FIRST + ".." + (FIRST + COUNT)));
  }

  /**
   * A port to connect to and be refused: from {@link #free}, so no server of this JVM listens there later.
   * A port taken from the kernel (port 0) and closed again is not: a test running beside it may be given the
   * same number for its own server, and the connection meant to be refused then reaches that server (a
   * policy service counted four connections instead of three that way).
   */
  public static int closed() {
    return free();
  }
}
