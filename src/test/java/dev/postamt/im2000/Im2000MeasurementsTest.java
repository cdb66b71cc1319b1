package dev.postamt.im2000;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.queue.QueuedMessage;
import dev.postamt.queue.RecipientStatus;
import dev.postamt.testing.MailHost;
import dev.postamt.testing.MailNetwork;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The figures of {@code docs/im2000.md} (run by {@code bench/im2000}), each measured once with IM2000 and
 * once with SMTP between the same two instances, and the claims behind them asserted: one stored copy per
 * list message at the sender and one per receiving server, no bounce messages, no retries while the
 * receiver is down. Each test prints {@code im2000-bench: key=value} lines.
 */
class Im2000MeasurementsTest {
  static final int LIST = 100;

  @RegisterExtension final MailNetwork net = MailNetwork.withZone(Im2000Pair.ZONE);

  private static final List<String> USERS = IntStream.range(0, LIST).mapToObj(i -> "m" + i).toList();

  /** Prints a figure, and appends it to the file named by {@code -Dim2000.bench.out} (bench/im2000). */
  private static void figure(String key, long value) throws java.io.IOException {
    String line = "im2000-bench: " + key + "=" + value;
    System.out.println(line);
    String out = System.getProperty("im2000.bench.out");
    if (out != null) {
      Files.writeString(Path.of(out), line + "\n", java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
    }
  }

  /** A list message of about 10 KB from alice to every user of B. */
  private static void sendList(MailHost a) throws Exception {
    List<String> to = USERS.stream().map(u -> u + "@b.test").toList();
    a.send("alice@a.test", to, "", "Subject: list\r\n\r\n" + "list text line ".repeat(700) + "\r\n");
  }

  private static long bytesAtB(Im2000Pair p) throws Exception {
    long sum = 0;
    for (String u : USERS) {
      for (Path f : p.b.messages(u + "@b.test")) {
        sum += Files.size(f);
      }
    }
    return sum;
  }

  @Test
  void aListMessageByIm2000() throws Exception {
    Im2000Pair p = new Im2000Pair(net, true, "enabled = true\n", "", USERS);
    p.b.start();
    p.a.start();
    sendList(p.a);
    p.a.awaitEmptyQueue();
    p.b.awaitMessages("m" + (LIST - 1) + "@b.test", 1);
    String id = Im2000Pair.im2000(p.a).outboxIds().getFirst();
    long size = p.outboxFileSize(id);
    long stubs = bytesAtB(p);
    for (int i = 0; i < 3; i++) {
      assertThat(p.fetchOverImap("m" + i + "@b.test").get(1)).contains("list text line");
    }
    long pulled;
    try (var files = Files.list(p.pulled())) {
      List<Path> eml = files.filter(f -> f.toString().endsWith(".eml")).toList();
      assertThat(eml).hasSize(1);
      pulled = Files.size(eml.getFirst());
    }
    assertThat(pulled).isEqualTo(size);
    assertThat(Im2000Pair.im2000(p.a).outboxIds()).isEmpty();
    assertThat(Im2000Pair.im2000(p.a).notificationPosts()).isEqualTo(1);
    figure("im2000_sender_outbox_bytes", size);
    figure("im2000_receiver_stub_bytes_total", stubs);
    figure("im2000_receiver_pulled_bytes", pulled);
    figure("im2000_receiver_bytes_total", stubs + pulled);
    figure("im2000_notification_posts", Im2000Pair.im2000(p.a).notificationPosts());
  }

  @Test
  void aListMessageBySmtp() throws Exception {
    Im2000Pair p = new Im2000Pair(net, true, "enabled = false\n", "", USERS);
    p.b.start();
    p.a.start();
    sendList(p.a);
    p.b.awaitMessages("m" + (LIST - 1) + "@b.test", 1);
    p.a.awaitEmptyQueue();
    long total = bytesAtB(p);
    assertThat(total).isGreaterThan(LIST * 10_000L);
    figure("smtp_receiver_bytes_total", total);
  }

  @Test
  void anUnknownRecipientBouncesBySmtpButNotByIm2000() throws Exception {
    Im2000Pair p = new Im2000Pair(net, true, "enabled = true\n", "", List.of("bob"));
    p.b.start();
    p.a.start();
    p.a.send("alice@a.test", "nobody@b.test", "to nobody");
    p.a.awaitEmptyQueue();
    int im2000Bounces = p.a.messages("alice@a.test").size();
    assertThat(im2000Bounces).isZero();
    figure("im2000_bounces", im2000Bounces);
    // the same with IM2000 off at A: the 550 at RCPT becomes a bounce in alice's mailbox
    p.a.stop();
    Files.writeString(p.a.configFile, Files.readString(p.a.configFile).replace("enabled = true", "enabled = false"));
    p.a.start();
    p.a.send("alice@a.test", "nobody@b.test", "to nobody");
    List<String> bounces = p.a.awaitMessages("alice@a.test", 1);
    assertThat(bounces.getFirst()).containsIgnoringCase("nobody@b.test");
    figure("smtp_bounces", bounces.size());
  }

  @Test
  void aReceiverOutageCostsSmtpRetriesAndIm2000None() throws Exception {
    Im2000Pair p = new Im2000Pair(net, true, "enabled = false\n", "", List.of("bob"));
    p.a.start();
    p.a.send("alice@a.test", "bob@b.test", "while B is down");
    // SMTP: the queue keeps trying (retry every second here) until B is back
    MailHost.await(() -> attempts(p.a) >= 3, "three delivery attempts at A");
    int smtpAttempts = attempts(p.a);
    p.b.start();
    p.b.awaitMessages("bob@b.test", 1);
    p.a.awaitEmptyQueue();
    figure("smtp_attempts_while_down", smtpAttempts);

    // IM2000: one notification that fails, then nothing until B reads A's feed
    p.b.stop();
    p.a.stop();
    Files.writeString(p.a.configFile, Files.readString(p.a.configFile).replace("enabled = false", "enabled = true"));
    p.a.start();
    p.a.send("alice@a.test", "bob@b.test", "while B is down again");
    p.a.awaitEmptyQueue();
    p.b.start();
    p.b.awaitMessages("bob@b.test", 2);
    assertThat(p.fetchOverImap("bob@b.test", 2).get(1)).contains("while B is down again");
    assertThat(Im2000Pair.im2000(p.a).notificationPosts()).isEqualTo(1);
    figure("im2000_attempts_while_down", Im2000Pair.im2000(p.a).notificationPosts());
  }

  /** The delivery attempts A's queue made for its one message so far. */
  private static int attempts(MailHost a) {
    try {
      List<String> ids = new ArrayList<>(a.server().spool().ids());
      if (ids.isEmpty()) {
        return 0;
      }
      QueuedMessage m = a.server().spool().load(ids.getFirst()).orElseThrow();
      return m.statuses().stream().mapToInt(s -> s instanceof RecipientStatus.TempFail t ? t.attempts() : 0).max().orElse(0);
    } catch (java.io.IOException e) {
      return 0;
    }
  }
}
