package dev.postamt.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The default backend against the store contract, plus what only it promises (locking). */
class SqliteMailStoreTest implements MailStoreContract {
  @Override
  public MailStore newStore(Path dir, Quota.Policy quotas) {
    return new SqliteMailStore(dir, quotas);
  }

  /** Two sessions of a user do not serialise on reads: a read goes on while a write holds the lock. */
  @Test
  void readsDoNotWaitForTheWriter(@TempDir Path dir) throws Exception {
    try (MailStore s = newStore(dir, Quota.Policy.NONE); Account a = s.open(USER)) {
      StoreTesting.append(a, "INBOX", MSG, Set.of(), 1);
      MailboxInfo inbox = a.mailbox("INBOX").orElseThrow();
      MaildirAccount sa = (MaildirAccount) a;
      CountDownLatch held = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      Thread writer = Thread.ofVirtual().start(() -> {
        sa.writeLock.lock();
        try {
          held.countDown();
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } finally {
          sa.writeLock.unlock();
        }
      });
      held.await();
      try {
        CompletableFuture<Integer> read = CompletableFuture.supplyAsync(
            () -> a.mailboxes().size() + a.messages(inbox.id()).size() + a.status("Sent").info().name().length()
                + a.subscriptions().size() + a.snapshot(inbox.id()).messages().size());
        assertThat(read.get(5, TimeUnit.SECONDS)).isPositive();
      } finally {
        release.countDown();
        writer.join();
      }
      assertThat(a.store(inbox.id(), List.of(1L), Account.FlagMode.ADD, List.of("\\Seen"))).hasSize(1);
    }
  }
}
