package dev.postamt.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import org.junit.jupiter.api.Test;

/**
 * What every {@link MaildropLocks} must do within one node (RFC 1939 §4: one session per maildrop); a
 * backend's test implements {@link #locks} and {@link #home}.
 */
interface MaildropLocksContract {
  /** The locks of one node. */
  MaildropLocks locks() throws Exception;

  /** A user's home on that node (a fresh directory per test). */
  Path home(String user);

  /** Runs {@code work} on a thread of its own, as another session would, and waits for it. */
  static <T> T onOtherSession(Callable<T> work) throws Exception {
    FutureTask<T> task = new FutureTask<>(work);
    Thread t = Thread.ofVirtual().start(task);
    t.join();
    try {
      return task.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception x ? x : e;
    }
  }

  @Test
  default void aSecondSessionIsRefusedUntilTheFirstReleases() throws Exception {
    MaildropLocks locks = locks();
    Path alice = home("alice@example.test");
    Optional<MaildropLocks.Held> first = locks.tryLock("alice@example.test", alice);
    assertThat(first).isPresent();
    assertThat(onOtherSession(() -> locks.tryLock("alice@example.test", alice))).as("second session").isEmpty();
    Optional<MaildropLocks.Held> bob = onOtherSession(() -> locks.tryLock("bob@example.test", home("bob@example.test")));
    assertThat(bob).as("another user").isPresent();
    first.get().close();
    first.get().close(); // a second close is harmless
    Optional<MaildropLocks.Held> again = onOtherSession(() -> {
      Optional<MaildropLocks.Held> h = locks.tryLock("alice@example.test", alice);
      h.ifPresent(MaildropLocks.Held::close);
      return h;
    });
    assertThat(again).as("after the first released").isPresent();
  }

  @Test
  default void theLockOfASessionWhoseThreadDiedIsFree() throws Exception {
    MaildropLocks locks = locks();
    Path alice = home("alice@example.test");
    assertThat(onOtherSession(() -> locks.tryLock("alice@example.test", alice))).isPresent(); // never closed
    Optional<MaildropLocks.Held> next = locks.tryLock("alice@example.test", alice);
    assertThat(next).isPresent();
    next.get().close();
    assertThat(onOtherSession(() -> {
      Optional<MaildropLocks.Held> h = locks.tryLock("alice@example.test", alice);
      h.ifPresent(MaildropLocks.Held::close);
      return h;
    })).isPresent();
  }
}
