package dev.postamt.server;

import java.util.concurrent.CountDownLatch;

/** Starts the configured services and stops them in reverse order. */
public final class Server implements AutoCloseable {
  private final CountDownLatch stopped = new CountDownLatch(1);

  public static Server start(Config config) throws Exception {
    return new Server();
  }

  public void awaitShutdown() throws InterruptedException {
    stopped.await();
  }

  @Override
  public void close() {
    stopped.countDown();
  }
}
