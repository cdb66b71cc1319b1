package dev.postamt.im2000;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.delivery.tls.TrustedTls;
import dev.postamt.dns.ZoneFileResolver;
import dev.postamt.mailauth.dkim.DkimKeys;
import dev.postamt.mailauth.dkim.SigningKey;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sender's outbox alone: one file for a message to several domains, notifications tried once
 * (here to a port nobody listens on), the feed, deletion after the last confirmation, and expiry.
 */
class OutboxTest {
  @TempDir Path dir;

  /** A clock the test moves. */
  private static final class MovingClock extends Clock {
    Instant now = Instant.parse("2026-12-05T00:00:00Z");

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private static final byte[] MESSAGE = "From: <alice@a.test>\r\nSubject: hello\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);

  private Outbox outbox(MovingClock clock) throws Exception {
    HttpsClient http = new HttpsClient(ZoneFileResolver.parse(""), TrustedTls.create(Optional.empty()), Duration.ofSeconds(2));
    return new Outbox(dir.resolve("im2000"), http, URI.create("https://mx.a.test/im2000/"), Duration.ofDays(30), clock);
  }

  private static Outbox.Destination nowhere(String domain, String... rcpts) {
    // a closed port on loopback: the one notification fails at once
    return new Outbox.Destination(domain, Advertisement.parse("v=IM2000; n=https://127.0.0.1:1/im2000/notify").orElseThrow(),
        List.of(rcpts));
  }

  private SigningKey key() throws Exception {
    return DkimKeys.generate(dir, "a.test", "im", "ed25519").key();
  }

  @Test
  void oneCopyForEveryDomainGoneAfterTheLastConfirmation() throws Exception {
    MovingClock clock = new MovingClock();
    try (Outbox o = outbox(clock)) {
      o.send("Q1", "alice@a.test", new ByteArrayInputStream(MESSAGE),
          List.of(nowhere("b.test", "bob@b.test", "bea@b.test"), nowhere("c.test", "carl@c.test")), key());
      assertThat(o.ids()).containsExactly("Q1");
      assertThat(Files.readAllBytes(dir.resolve("im2000/outbox/Q1.eml"))).isEqualTo(MESSAGE);
      assertThat(o.posts()).isEqualTo(2);
      assertThat(o.deliveries("Q1").values()).extracting(SqliteOutbox.Delivery::state).containsOnly("unreached");

      // the feed of b.test has the signed notification, naming b.test's recipients only
      List<SqliteOutbox.Delivery> feed = o.pending("b.test");
      assertThat(feed).hasSize(1);
      Notification n = Notification.parse(feed.getFirst().notification());
      assertThat(n.recipients()).containsExactly("bob@b.test", "bea@b.test");
      assertThat(n.subject()).isEqualTo("hello");
      assertThat(n.size()).isEqualTo(MESSAGE.length);
      String token = n.url().substring(n.url().lastIndexOf('/') + 1);
      assertThat(o.file(token)).isPresent();

      // sent again after a restart (same queue id): nothing new, no second notification
      o.send("Q1", "alice@a.test", new ByteArrayInputStream(MESSAGE), List.of(nowhere("b.test", "bob@b.test")), key2());
      assertThat(o.posts()).isEqualTo(2);

      assertThat(o.confirm(token, "d.test")).as("not a recipient domain").isFalse();
      assertThat(o.confirm("x".repeat(43), "b.test")).isFalse();
      assertThat(o.confirm(token, "b.test")).isTrue();
      assertThat(o.pending("b.test")).isEmpty();
      assertThat(o.ids()).containsExactly("Q1");
      assertThat(o.confirm(token, "c.test")).isTrue();
      assertThat(o.ids()).isEmpty();
      assertThat(o.file(token)).isEmpty();
      assertThat(dir.resolve("im2000/outbox/Q1.eml")).doesNotExist();
    }
  }

  private SigningKey key2() throws Exception {
    return DkimKeys.load(dir, "a.test").getFirst();
  }

  @Test
  void unfetchedMessagesGoWhenTheirRetentionEnds() throws Exception {
    MovingClock clock = new MovingClock();
    try (Outbox o = outbox(clock)) {
      o.send("Q2", "alice@a.test", new ByteArrayInputStream(MESSAGE), List.of(nowhere("b.test", "bob@b.test")), key());
      clock.now = clock.now.plus(Duration.ofDays(29));
      assertThat(o.expire()).isZero();
      assertThat(o.ids()).containsExactly("Q2");
      clock.now = clock.now.plus(Duration.ofDays(2));
      assertThat(o.expire()).isEqualTo(1);
      assertThat(o.ids()).isEmpty();
      assertThat(dir.resolve("im2000/outbox/Q2.eml")).doesNotExist();
      assertThat(o.pending("b.test")).isEmpty();
    }
  }
}
