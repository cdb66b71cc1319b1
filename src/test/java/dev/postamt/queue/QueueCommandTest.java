package dev.postamt.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.testing.MailHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code postamt queue …} against a running server (control socket) and a stopped one (spool). */
class QueueCommandTest {
  @TempDir Path tmp;
  private MailHost a;

  @AfterEach
  void stop() {
    if (a != null) {
      a.close();
    }
  }

  private void startWithTwoDeferred() throws Exception {
    int port = MailHost.freePort();
    Path zone = tmp.resolve("zone.txt");
    Files.writeString(zone, "b.test. MX 10 mx.b.test.\nmx.b.test. A 127.0.5.3\n");
    a = MailHost.create(tmp, "127.0.5.2", port, "mx.a.test", "a.test", List.of("alice"), zone,
        MailHost.Sections.none().queue("retry = [\"1h\"]\n"));
    a.start();
    a.send("alice@a.test", "bob@b.test", "first");
    a.send("alice@a.test", "carol@b.test", "second");
    MailHost.await(() -> a.cli("queue", "list").out().split("Connection refused", -1).length == 3, "two deferrals");
  }

  private List<String> ids() throws Exception {
    return a.server() != null ? a.server().spool().ids() : new DurableSpool(tmp.resolve("mx.a.test/data/queue")).ids();
  }

  @Test
  void listShowHoldReleaseRequeueDeleteWithTheServerRunning() throws Exception {
    startWithTwoDeferred();
    List<String> ids = ids();
    assertThat(ids).hasSize(2);
    String first = ids.getFirst();

    MailHost.Cli list = a.cli("queue", "list");
    assertThat(list.status()).isZero();
    assertThat(list.out()).startsWith("-Queue ID-").contains(first).contains("alice@a.test")
        .contains("bob@b.test").contains("carol@b.test").contains("(4.4.1 connect to mx.b.test").contains("in 2 Requests.");

    MailHost.Cli show = a.cli("queue", "show", first);
    assertThat(show.status()).isZero();
    assertThat(show.out()).contains("*** ENVELOPE RECORDS " + first).contains("sender: alice@a.test")
        .contains("recipient: bob@b.test (deferred, attempt 1").contains("Subject: test").contains("first");

    MailHost.Cli unknown = a.cli("queue", "show", "NOSUCHID1");
    assertThat(unknown.status()).isNotZero();
    assertThat(unknown.err().strip()).isEqualTo("postamt: queue: no message NOSUCHID1 in the queue");

    assertThat(a.cli("queue", "hold", first).out()).contains(first + " is on hold");
    assertThat(a.cli("queue", "list").out()).contains(first + "!");
    assertThat(a.cli("queue", "hold", "NOSUCHID1").status()).isNotZero();
    assertThat(a.cli("queue", "release", first).out()).contains("released " + first);
    assertThat(a.cli("queue", "list").out()).doesNotContain(first + "!");

    MailHost.Cli requeue = a.cli("queue", "requeue", "--all");
    assertThat(requeue.status()).isZero();
    assertThat(requeue.out()).contains("requeued 2 message(s)");
    // tried again at once and deferred again: the attempt count started over
    MailHost.await(() -> a.cli("queue", "show", first).out().contains("deferred, attempt 1"), "a fresh attempt");
    assertThat(a.cli("queue", "requeue").status()).isNotZero();

    assertThat(a.cli("queue", "delete", first).out()).contains("deleted " + first);
    assertThat(ids()).hasSize(1);
    assertThat(a.cli("queue", "delete", first).status()).isNotZero();
    assertThat(a.cli("queue", "delete", "--all").out()).contains("deleted 1 message(s)");
    assertThat(a.cli("queue", "list").out().strip()).isEqualTo("Mail queue is empty");
  }

  @Test
  void worksOnTheSpoolWhenTheServerIsStopped() throws Exception {
    startWithTwoDeferred();
    a.stop();
    List<String> ids = ids();
    String first = ids.getFirst();

    assertThat(a.cli("queue", "list").out()).contains(first);
    assertThat(a.cli("queue", "hold", first).out()).contains("on hold");
    assertThat(a.cli("queue", "list").out()).contains(first + "!");
    assertThat(a.cli("queue", "release", first).status()).isZero();
    MailHost.Cli flush = a.cli("queue", "flush");
    assertThat(flush.status()).isZero();
    assertThat(flush.out()).contains("not running");
    assertThat(a.cli("queue", "show", first).out()).contains("recipient: bob@b.test (scheduled)");
    assertThat(a.cli("queue", "delete", "--all").out()).contains("deleted 2 message(s)");
    assertThat(a.cli("queue", "list").out().strip()).isEqualTo("Mail queue is empty");
  }
}
