package dev.postamt.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.config.Config;
import dev.postamt.dns.ZoneFileResolver;
import dev.postamt.testing.FakeSmtpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code reject_unverified_sender} against an SMTP server of the test's own, the sender domain's MX by
 * a zone file, on an ephemeral port ({@code delivery.remote_port}): the probe's commands, what each
 * answer makes of the sender, and the caches (per address, and per domain for temporary failures).
 */
class SenderVerificationTest {
  @TempDir Path dir;
  FakeSmtpServer mx;
  final MovableClock clock = new MovableClock(Instant.parse("2026-12-04T10:00:00Z"));

  static final class MovableClock extends Clock {
    private volatile Instant now;

    MovableClock(Instant start) {
      now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  @BeforeEach
  void start() throws Exception {
    mx = new FakeSmtpServer(new InetSocketAddress("127.0.0.1", 0), false);
    mx.rcptReply = a -> switch (a) {
      case "nobody@sender.example" -> "550 5.1.1 <nobody@sender.example>: no such user";
      case "busy@sender.example", "other@sender.example" -> "451 4.3.0 try later";
      default -> "250 2.1.5 Ok";
    };
  }

  @AfterEach
  void stop() throws Exception {
    mx.close();
  }

  private Restrictions restrictions(int port) throws Exception {
    Path f = dir.resolve("postamt.toml");
    Files.writeString(f, """
        hostname = "mx.example.test"
        data_dir = "data"
        [delivery]
        remote_port = %d
        [policy]
        sender = ["reject_unverified_sender"]
        verify_positive_ttl = "1h"
        verify_negative_ttl = "10m"
        verify_tempfail_ttl = "5m"
        verify_timeout = "5s"
        """.formatted(port));
    String zone = """
        sender.example.     MX 10 mx.sender.example.
        mx.sender.example.  A  127.0.0.1
        nomx.example.       A  127.0.0.1
        nullmx.example.     MX 0 .
        """;
    return new Restrictions(Config.load(f, true), ZoneFileResolver.parse(zone), null, clock);
  }

  private static PolicyRequest from(String sender) throws Exception {
    return new PolicyRequest(InetAddress.getByName("192.0.2.10"), false, null, "helo.example", sender, "bob@example.test",
        PolicyRequest.RecipientStatus.LOCAL, false);
  }

  private static String reply(Evaluation e) {
    return e.refusal().map(s -> s.result().code() + " " + s.result().enhanced() + " " + s.result().text()).orElse("accept");
  }

  @Test
  void aSenderTheMxAcceptsIsVerifiedByACallbackAndCached() throws Exception {
    Restrictions r = restrictions(mx.port());
    assertThat(reply(r.evaluate(PolicyStage.RCPT, from("alice@sender.example")))).isEqualTo("accept");
    assertThat(mx.commands).containsExactly("EHLO mx.example.test", "MAIL FROM:<>", "RCPT TO:<alice@sender.example>", "QUIT");
    assertThat(reply(r.evaluate(PolicyStage.RCPT, from("Alice@Sender.Example")))).isEqualTo("accept");
    assertThat(mx.connections).as("cached: no second probe").isEqualTo(1);
    clock.advance(Duration.ofMinutes(61));
    assertThat(reply(r.evaluate(PolicyStage.RCPT, from("alice@sender.example")))).isEqualTo("accept");
    assertThat(mx.connections).as("probed again after the positive TTL").isEqualTo(2);
  }

  @Test
  void aSenderTheMxRefusesIsRejectedWith550QuotingTheMx() throws Exception {
    Restrictions r = restrictions(mx.port());
    assertThat(reply(r.evaluate(PolicyStage.RCPT, from("nobody@sender.example"))))
        .isEqualTo("550 5.1.7 <nobody@sender.example>: Sender address rejected: undeliverable address: host [127.0.0.1] said:"
            + " 550 5.1.1 <nobody@sender.example>: no such user (in reply to RCPT TO)");
    assertThat(reply(r.evaluate(PolicyStage.RCPT, from("nobody@sender.example")))).startsWith("550 5.1.7 ");
    assertThat(mx.connections).isEqualTo(1);
    clock.advance(Duration.ofMinutes(11));
    r.evaluate(PolicyStage.RCPT, from("nobody@sender.example"));
    assertThat(mx.connections).as("probed again after the negative TTL").isEqualTo(2);
  }

  @Test
  void aTemporaryAnswerDefersAndTheDomainIsNotProbedAgainWithinItsTtl() throws Exception {
    Restrictions r = restrictions(mx.port());
    assertThat(reply(r.evaluate(PolicyStage.RCPT, from("busy@sender.example"))))
        .isEqualTo("450 4.1.7 <busy@sender.example>: Sender address rejected: unverified address: host [127.0.0.1] said:"
            + " 451 4.3.0 try later (in reply to RCPT TO)");
    assertThat(reply(r.evaluate(PolicyStage.RCPT, from("other@sender.example")))).startsWith("450 4.1.7 ");
    assertThat(reply(r.evaluate(PolicyStage.RCPT, from("alice@sender.example")))).as("the whole domain waits").startsWith("450 4.1.7 ");
    assertThat(mx.connections).as("one probe for the domain").isEqualTo(1);
    clock.advance(Duration.ofMinutes(5));
    assertThat(reply(r.evaluate(PolicyStage.RCPT, from("alice@sender.example")))).isEqualTo("accept");
    assertThat(mx.connections).isEqualTo(2);
  }

  @Test
  void anUnreachableMxDefersNeverRejects() throws Exception {
    int closed = dev.postamt.testing.Ports.closed();
    Restrictions r = restrictions(closed);
    assertThat(reply(r.evaluate(PolicyStage.RCPT, from("alice@sender.example"))))
        .startsWith("450 4.1.7 <alice@sender.example>: Sender address rejected: unverified address: cannot talk to 127.0.0.1");
    assertThat(reply(r.evaluate(PolicyStage.RCPT, from("alice@unknown-domain.example"))))
        .startsWith("450 4.1.7 ").contains("no address for the mail hosts of unknown-domain.example");
  }

  @Test
  void aDomainWithoutMxIsAskedAtItsAddressANullMxIsUndeliverable() throws Exception {
    Restrictions r = restrictions(mx.port());
    assertThat(reply(r.evaluate(PolicyStage.RCPT, from("alice@nomx.example")))).isEqualTo("accept");
    assertThat(mx.commands).contains("RCPT TO:<alice@nomx.example>");
    assertThat(reply(r.evaluate(PolicyStage.RCPT, from("alice@nullmx.example"))))
        .isEqualTo("550 5.1.7 <alice@nullmx.example>: Sender address rejected: undeliverable address: null MX: nullmx.example takes no mail");
  }

  @Test
  void theNullSenderAndOurOwnDomainsAreNotProbedNorIsAnythingInADryRun() throws Exception {
    Restrictions r = restrictions(mx.port());
    assertThat(reply(r.evaluate(PolicyStage.RCPT, from("")))).isEqualTo("accept");
    PolicyRequest local = new PolicyRequest(InetAddress.getByName("192.0.2.10"), false, null, "helo.example", "alice@sender.example",
        "bob@example.test", PolicyRequest.RecipientStatus.LOCAL, true);
    assertThat(reply(r.evaluate(PolicyStage.RCPT, local))).isEqualTo("accept");
    Evaluation dry = r.explain(from("alice@sender.example"));
    assertThat(dry.steps()).anySatisfy(s -> assertThat(s.result().reason()).startsWith("not verified yet"));
    assertThat(mx.connections).isZero();
  }
}
