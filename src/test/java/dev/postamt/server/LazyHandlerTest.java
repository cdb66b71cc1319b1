package dev.postamt.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postamt.net.Connection;
import dev.postamt.net.ConnectionHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A protocol handler made at its first connection (issue 27): once, and every call reaches it. */
class LazyHandlerTest {
  /** Counts the calls it gets; the connection is never looked at. */
  static final class Counting implements ConnectionHandler {
    final AtomicInteger handled = new AtomicInteger();
    final List<String> refused = new ArrayList<>();

    @Override
    public void handle(Connection connection) {
      handled.incrementAndGet();
    }

    @Override
    public synchronized void refuse(Connection connection, String reason) {
      refused.add(reason);
    }

    @Override
    public String goodbye(Connection connection, Goodbye why) {
      return "* BYE " + why;
    }
  }

  @Test
  void nothingIsMadeUntilTheFirstConnectionAndThenOnlyOnce() throws Exception {
    AtomicInteger made = new AtomicInteger();
    Counting inner = new Counting();
    LazyHandler lazy = new LazyHandler(() -> {
      made.incrementAndGet();
      return inner;
    });
    assertThat(made).hasValue(0);
    assertThat(lazy.isMade()).isFalse();

    int threads = 16;
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> started = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      started.add(Thread.ofVirtual().start(() -> {
        try {
          go.await();
          lazy.handle(null);
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      }));
    }
    go.countDown();
    for (Thread t : started) {
      t.join();
    }
    assertThat(made).hasValue(1);
    assertThat(inner.handled).hasValue(threads);
    assertThat(lazy.isMade()).isTrue();
  }

  @Test
  void refusalsAndGoodbyesReachTheProtocolsHandler() throws Exception {
    Counting inner = new Counting();
    LazyHandler lazy = new LazyHandler(() -> inner);
    lazy.refuse(null, "too many connections");
    lazy.refuseBanned(null, "banned"); // the protocol's default: the same words as refuse
    assertThat(inner.refused).containsExactly("too many connections", "banned");
    assertThat(lazy.goodbye(null, ConnectionHandler.Goodbye.SHUTDOWN)).isEqualTo("* BYE SHUTDOWN");
  }

  @Test
  void aHandlerThatCannotBeMadeFailsThatConnectionAndIsTriedAgainAtTheNext() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    Counting inner = new Counting();
    LazyHandler lazy = new LazyHandler(() -> {
      if (attempts.incrementAndGet() == 1) {
        throw new IllegalStateException("state not readable yet");
      }
      return inner;
    });
    assertThatThrownBy(() -> lazy.handle(null)).hasMessageContaining("state not readable yet");
    assertThat(lazy.isMade()).isFalse();
    lazy.handle(null);
    assertThat(attempts).hasValue(2);
    assertThat(inner.handled).hasValue(1);
  }
}
