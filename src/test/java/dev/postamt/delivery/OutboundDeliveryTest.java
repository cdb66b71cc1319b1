package dev.postamt.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.testing.MailHost;
import dev.postamt.testing.MailNetwork;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Several Postamt instances on 127.0.1.x exchanging mail through MX records of one zone file: A
 * (a.test) sends, B (b.test) and C (c.test) receive. C's preferred MX is dead.
 */
class OutboundDeliveryTest {
  @RegisterExtension final MailNetwork net = MailNetwork.withZone(
      """
      $ORIGIN test.
      $TTL 300
      a.test.        MX 10 mx.a.test.
      mx.a.test.     A  127.0.1.2
      b.test.        MX 10 mx.b.test.
      mx.b.test.     A  127.0.1.3
      c.test.        MX 10 dead.c.test.
                     MX 20 mx.c.test.
      dead.c.test.   A  127.0.1.9
      mx.c.test.     A  127.0.1.4
      noemail.test.  MX 0 .
      implicit.test. A  127.0.1.3
      """);

  private MailHost host(String ip, String name, String domain, MailHost.Sections s) throws Exception {
    return net.host(ip, name, domain, List.of("alice", "bob"), s);
  }

  @Test
  void relaysToTheDomainsMx() throws Exception {
    MailHost a = host("127.0.1.2", "mx.a.test", "a.test", MailHost.Sections.none()).start();
    MailHost b = host("127.0.1.3", "mx.b.test", "b.test", MailHost.Sections.none()).start();

    a.send("alice@a.test", "bob@b.test", "hello over MX");

    String got = b.awaitMessages("bob@b.test", 1).getFirst();
    assertThat(got).contains("hello over MX").contains("Return-Path: <alice@a.test>");
    // B's Received header names A's HELO; A's own Received header travels along
    assertThat(got).contains("by mx.b.test").contains("by mx.a.test");
    // sent from A's own address, the one its MX record names
    assertThat(got).contains("Received: from mx.a.test ([127.0.1.2])");
    // opportunistic STARTTLS between the two (B's certificate is self-signed)
    assertThat(got).containsPattern("by mx.b.test \\(Postamt\\) with ESMTPS ");
    a.awaitEmptyQueue();
  }

  @Test
  void fallsBackFromADeadPreferredMx() throws Exception {
    MailHost a = host("127.0.1.2", "mx.a.test", "a.test", MailHost.Sections.none()).start();
    MailHost c = host("127.0.1.4", "mx.c.test", "c.test", MailHost.Sections.none()).start();

    a.send("alice@a.test", "alice@c.test", "via the backup");

    assertThat(c.awaitMessages("alice@c.test", 1).getFirst()).contains("via the backup");
    a.awaitEmptyQueue();
  }

  @Test
  void usesTheAddressRecordWhenThereIsNoMx() throws Exception {
    MailHost a = host("127.0.1.2", "mx.a.test", "a.test", MailHost.Sections.none()).start();
    MailHost b = host("127.0.1.3", "mx.b.test", "implicit.test", MailHost.Sections.none()).start();

    a.send("alice@a.test", "bob@implicit.test", "implicit MX");

    assertThat(b.awaitMessages("bob@implicit.test", 1).getFirst()).contains("implicit MX");
  }

  @Test
  void severalRecipientsOfOneDomainGoInOneTransaction() throws Exception {
    MailHost a = host("127.0.1.2", "mx.a.test", "a.test", MailHost.Sections.none()).start();
    MailHost b = host("127.0.1.3", "mx.b.test", "b.test", MailHost.Sections.none()).start();

    a.send("alice@a.test", List.of("alice@b.test", "bob@b.test"), "", "Subject: two\r\n\r\nfor both\r\n");

    String toAlice = b.awaitMessages("alice@b.test", 1).getFirst();
    b.awaitMessages("bob@b.test", 1);
    // one transaction with two recipients: B's Received header carries no single "for <…>"
    String received = toAlice.substring(toAlice.indexOf("Received: from mx.a.test"));
    assertThat(received.substring(0, received.indexOf(';'))).doesNotContain("for <");
  }

  @Test
  void defersWhileTheDestinationIsDownAndDeliversAfterFlush() throws Exception {
    MailHost a = host("127.0.1.2", "mx.a.test", "a.test", MailHost.Sections.none().queue("retry = [\"1h\"]\n")).start();
    MailHost b = host("127.0.1.3", "mx.b.test", "b.test", MailHost.Sections.none());

    a.send("alice@a.test", "bob@b.test", "waiting for B");

    MailHost.await(() -> a.cli("queue", "list").out().contains("connect to mx.b.test"), "a deferral in queue list");
    MailHost.Cli list = a.cli("queue", "list");
    assertThat(list.status()).isZero();
    assertThat(list.out()).contains("alice@a.test").contains("bob@b.test").contains("1 Request");

    b.start();
    MailHost.Cli flush = a.cli("queue", "flush");
    assertThat(flush.status()).isZero();
    assertThat(flush.out()).contains("1 message(s)");

    assertThat(b.awaitMessages("bob@b.test", 1).getFirst()).contains("waiting for B");
    a.awaitEmptyQueue();
    assertThat(a.cli("queue", "list").out()).isEqualToIgnoringNewLines("Mail queue is empty");
  }

  @Test
  void nullMxBouncesAtOnce() throws Exception {
    MailHost a = host("127.0.1.2", "mx.a.test", "a.test", MailHost.Sections.none()).start();

    a.send("alice@a.test", "someone@noemail.test", "nowhere to go");

    String dsn = a.awaitMessages("alice@a.test", 1).getFirst();
    assertThat(dsn).contains("Status: 5.1.10").contains("Action: failed").contains("null MX");
    a.awaitEmptyQueue();
  }
}
