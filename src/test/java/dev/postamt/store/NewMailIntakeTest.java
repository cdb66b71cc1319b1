package dev.postamt.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Local deliveries are taken into the index after the delivering thread has gone on, none forgotten. */
class NewMailIntakeTest {
  static final String USER = "alice@example.test";
  static final byte[] MSG = "Subject: s\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);

  @TempDir Path data;

  private void deliver(MailStore store, String unique) throws Exception {
    store.deliver(USER, new MailStore.DeliveryId(System.currentTimeMillis() / 1000, unique, "host"),
        new ByteArrayInputStream(MSG), MSG.length);
  }

  @Test
  void theDeliveringThreadDoesNotWaitForTheAccountsWriter() throws Exception {
    try (SqliteMailStore store = new SqliteMailStore(data); Account a = store.open(USER);
        NewMailIntake intake = new NewMailIntake(store, 2)) {
      MaildirAccount account = (MaildirAccount) a;
      long inbox = a.mailbox("INBOX").orElseThrow().id();
      CountDownLatch noted = new CountDownLatch(1);
      account.writeLock.lock(); // a long writer (a big COPY, the indexer's open)
      try {
        Thread delivering = Thread.ofVirtual().start(() -> {
          try {
            deliver(store, "one");
            intake.accept(USER);
            noted.countDown();
          } catch (Exception e) {
            throw new RuntimeException(e);
          }
        });
        assertThat(noted.await(10, TimeUnit.SECONDS)).as("delivered and noted while the writer holds the lock").isTrue();
        delivering.join();
      } finally {
        account.writeLock.unlock();
      }
      intake.awaitIdle();
      assertThat(a.messages(inbox)).extracting(MessageRecord::base).singleElement().asString().contains(".one.");
      assertThat(Files.list(MailboxLayout.maildir(data, USER).resolve("new")).toList()).isEmpty();
    }
  }

  @Test
  void everyDeliveryIsTakenInAlsoThoseNotedDuringAPass() throws Exception {
    try (SqliteMailStore store = new SqliteMailStore(data); Account a = store.open(USER);
        NewMailIntake intake = new NewMailIntake(store, 2)) {
      long inbox = a.mailbox("INBOX").orElseThrow().id();
      List<Thread> senders = new java.util.ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int n = t;
        senders.add(Thread.ofVirtual().start(() -> {
          try {
            for (int i = 0; i < 25; i++) {
              deliver(store, "t" + n + "m" + i);
              intake.accept(i % 2 == 0 ? USER : USER.toUpperCase(java.util.Locale.ROOT));
            }
          } catch (Exception e) {
            throw new RuntimeException(e);
          }
        }));
      }
      for (Thread t : senders) {
        t.join();
      }
      intake.awaitIdle();
      List<MessageRecord> all = a.messages(inbox);
      assertThat(all).hasSize(200);
      assertThat(all).extracting(MessageRecord::uid).doesNotHaveDuplicates();
    }
  }

  /**
   * Without a real store, many deliveries to a few users at once: every delivery is followed by a pass for
   * its user that began after it was noted, and no user is taken in by two workers at the same time.
   */
  @Test
  void everyNoteIsFollowedByAPassAndAUserHasOneWorkerAtATime() throws Exception {
    java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong();
    java.util.Map<String, java.util.concurrent.ConcurrentLinkedQueue<Long>> passStarts = new java.util.concurrent.ConcurrentHashMap<>();
    java.util.Map<String, java.util.concurrent.atomic.AtomicInteger> inPass = new java.util.concurrent.ConcurrentHashMap<>();
    java.util.concurrent.atomic.AtomicBoolean overlap = new java.util.concurrent.atomic.AtomicBoolean();
    MailStore counting = (MailStore) java.lang.reflect.Proxy.newProxyInstance(MailStore.class.getClassLoader(),
        new Class<?>[] {MailStore.class}, (proxy, method, args) -> {
          if (!method.getName().equals("notifyDelivered")) {
            throw new UnsupportedOperationException(method.getName());
          }
          String user = (String) args[0];
          if (inPass.computeIfAbsent(user, k -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet() > 1) {
            overlap.set(true);
          }
          passStarts.computeIfAbsent(user, k -> new java.util.concurrent.ConcurrentLinkedQueue<>()).add(clock.incrementAndGet());
          long until = System.nanoTime() + 50_000; // a pass takes a moment: deliveries arrive meanwhile
          while (System.nanoTime() < until) {
            Thread.onSpinWait();
          }
          inPass.get(user).decrementAndGet();
          return null;
        });
    List<String> users = List.of("a@example.test", "b@example.test", "c@example.test");
    java.util.Map<String, java.util.concurrent.atomic.AtomicLong> lastNoted = new java.util.concurrent.ConcurrentHashMap<>();
    users.forEach(u -> lastNoted.put(u, new java.util.concurrent.atomic.AtomicLong()));
    try (NewMailIntake intake = new NewMailIntake(counting, 2)) {
      List<Thread> senders = new java.util.ArrayList<>();
      for (int t = 0; t < 16; t++) {
        int n = t;
        senders.add(Thread.ofVirtual().start(() -> {
          for (int i = 0; i < 2_000; i++) {
            String u = users.get((n + i) % users.size());
            lastNoted.get(u).accumulateAndGet(clock.incrementAndGet(), Math::max); // "delivered" before the note
            intake.accept(u);
          }
        }));
      }
      for (Thread t : senders) {
        t.join();
      }
      intake.awaitIdle();
      for (String u : users) {
        long lastPass = passStarts.get(u).stream().mapToLong(Long::longValue).max().orElse(0);
        assertThat(lastPass).as(u + ": a pass began after the last delivery").isGreaterThan(lastNoted.get(u).get());
      }
      assertThat(overlap).as("two workers on one user").isFalse();
    }
  }

  @Test
  void closeTakesInWhatIsPendingAndLaterNotesAreIgnored() throws Exception {
    try (SqliteMailStore store = new SqliteMailStore(data); Account a = store.open(USER)) {
      long inbox = a.mailbox("INBOX").orElseThrow().id();
      NewMailIntake intake = new NewMailIntake(store, 1);
      deliver(store, "one");
      intake.accept(USER);
      intake.close();
      assertThat(a.messages(inbox)).hasSize(1);
      deliver(store, "two");
      intake.accept(USER); // after close: not taken in now, the next look at the mailbox does it
      assertThat(a.messages(inbox)).hasSize(1);
      assertThat(a.snapshot(inbox).messages()).hasSize(2);
    }
  }
}
