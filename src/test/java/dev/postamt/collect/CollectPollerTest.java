package dev.postamt.collect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.store.Quota;
import dev.postamt.testing.Dovecot;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The poller of {@code serve} against Debian's Dovecot (skipped when it is not installed): it runs a
 * due account at once, then, with an interval of an hour, still fetches a new message within seconds
 * because the remote INBOX is watched with IMAP IDLE.
 */
class CollectPollerTest {
  @TempDir Path tmp;

  private static void await(String what, BooleanSupplier done) throws InterruptedException {
    Instant end = Instant.now().plus(Duration.ofSeconds(60));
    while (!done.getAsBoolean()) {
      assertThat(Instant.now()).as(what).isBefore(end);
      Thread.sleep(50); // polling the state, not waiting a fixed time
    }
  }

  private static long remoteCount(Dovecot d) {
    try {
      return d.inboxCount();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static long collected(CollectService s) {
    return s.list(CollectFixture.USER).getFirst().collected();
  }

  @Test
  void newMailOnTheRemoteInboxIsFetchedAtOnceThroughIdle() throws Exception {
    try (Dovecot d = Dovecot.start(tmp, "old@remote.test", "old-secret")) {
      CollectFixture f = new CollectFixture(tmp.resolve("postamt"), "[collect]\ninterval = \"1h\"\n");
      d.deliver(CollectFixture.message("first"));
      long id;
      try (CollectService s = f.service()) {
        id = s.add(CollectFixture.USER, "imaps://127.0.0.1:" + d.imaps, d.login, d.password, false, true, false);
      }
      try (MdaDrop drop = MdaDrop.standalone(f.config, Quota.Policy.NONE);
          CollectPoller poller = CollectPoller.start(f.config, drop);
          CollectService s = f.service()) {
        await("the first run", () -> collected(s) == 1);
        await("IDLE on the remote INBOX", () -> poller.idling(id));
        try (dev.postamt.imap.ImapClient c = new dev.postamt.imap.ImapClient("127.0.0.1", d.imap)) {
          // delivered by Dovecot itself (APPEND), which tells the idling session
          String msg = CollectFixture.message("second");
          c.greeting();
          c.run("L LOGIN " + d.login + " " + d.password, "L OK *");
          c.run("A APPEND INBOX {" + msg.length() + "+}\r\n" + msg, "A OK *");
        }
        await("the message announced by IDLE", () -> collected(s) == 2);
        // the remote copy goes after the local one is recorded, at the end of that run
        await("the remote copy deleted", () -> remoteCount(d) == 0);
        assertThat(s.list(CollectFixture.USER).getFirst().lastError()).isEmpty();
      }
      assertThat(f.subjects(null).get("INBOX")).isEqualTo(List.of("first", "second"));
      assertThat(d.inboxCount()).isZero();
    }
  }
}
