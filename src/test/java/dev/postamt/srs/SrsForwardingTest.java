package dev.postamt.srs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.testing.MailHost;
import dev.postamt.testing.MailNetwork;
import dev.postamt.testing.SmtpScript;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SRS through real SMTP between Postamt instances on 127.0.9.x: A forwards (aliases to B), B is the
 * forward target, C is where the original senders live. The SRS domain is A's hostname.
 */
class SrsForwardingTest {
  private static final Pattern RETURN_PATH = Pattern.compile("(?m)^Return-Path: <([^>]*)>");

  @RegisterExtension final MailNetwork net = MailNetwork.withZone(
      """
      a.test.     MX 10 mx.a.test.
      mx.a.test.  A  127.0.9.2
      b.test.     MX 10 mx.b.test.
      mx.b.test.  A  127.0.9.3
      c.test.     MX 10 mx.c.test.
      mx.c.test.  A  127.0.9.4
      """);

  /** A trusts no network: whatever it relays, it relays because the address is its own SRS address. */
  private MailHost a(String relay) throws Exception {
    return net.host("127.0.9.2", "mx.a.test", "a.test", List.of("alice"), MailHost.Sections.none().relay(relay));
  }

  private MailHost b(MailHost.Sections s) throws Exception {
    return net.host("127.0.9.3", "mx.b.test", "b.test", List.of("bob", "bob2"), s);
  }

  private MailHost c() throws Exception {
    return net.host("127.0.9.4", "mx.c.test", "c.test", List.of("carol"), MailHost.Sections.none()).start();
  }

  private static boolean deferred(MailHost h) {
    try {
      for (String id : h.server().spool().ids()) {
        var m = h.server().spool().load(id);
        if (m.isPresent() && m.get().statuses().stream().anyMatch(st -> st instanceof dev.postamt.queue.RecipientStatus.TempFail)) {
          return true;
        }
      }
      return false;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private static String returnPath(String message) {
    Matcher m = RETURN_PATH.matcher(message);
    assertThat(m.find()).as("Return-Path in %s", message).isTrue();
    return m.group(1);
  }

  @Test
  void anAliasToARemoteAddressGoesOutWithAnSrsSenderAndItsBounceReachesTheSender() throws Exception {
    MailHost a = a("networks = []\n").start();
    // B sends what comes for relay@b.test on to a domain its transport map refuses: B bounces it
    MailHost b = b(MailHost.Sections.none().bottom("[transport]\n\"gone.test\" = \"error:5.1.2 this domain is gone\"\n")).start();
    MailHost c = c();
    assertThat(a.cli("alias", "add", "fwd@a.test", "bob@b.test").status()).isZero();
    assertThat(a.cli("alias", "add", "dead@a.test", "relay@b.test").status()).isZero();
    assertThat(b.cli("alias", "add", "relay@b.test", "x@gone.test").status()).isZero();
    assertThat(a.cli("dkim", "keygen", "a.test").status()).isZero();

    a.send("carol@c.test", "fwd@a.test", "forwarded to bob");
    String got = b.awaitMessages("bob@b.test", 1).getFirst();
    String sender = returnPath(got);
    assertThat(sender).matches("SRS0=[A-Za-z0-9_-]{4}=[A-Z2-7]{2}=c\\.test=carol@mx\\.a\\.test");
    assertThat(got).contains("forwarded to bob").contains("ARC-Seal: ").contains("cv=none; d=a.test; i=1;");
    assertThat(a.dir.resolve("data/srs.key")).exists();

    // B's bounce goes to the SRS address; A checks it and relays it to carol, though B is not trusted
    a.send("carol@c.test", "dead@a.test", "will bounce at B");
    String bounce = c.awaitMessages("carol@c.test", 1).getFirst();
    assertThat(returnPath(bounce)).isEmpty();
    assertThat(bounce).contains("Final-Recipient: rfc822; relay@b.test").contains("Status: 5.1.2")
        .containsPattern("X-Postamt-Sender: rfc822; SRS0=[^=]{4}=[A-Z2-7]{2}=c.test=carol@mx.a.test")
        .contains("for <carol@c.test>");
    a.awaitEmptyQueue();
    b.awaitEmptyQueue();
  }

  @Test
  void forgedExpiredAndMalformedSrsAddressesAreRefusedAtRcpt() throws Exception {
    MailHost a = a("networks = []\n").start();
    Path key = a.dir.resolve("data/srs.key");
    var settings = new dev.postamt.config.Srs(true, "mx.a.test", 21, key);
    Srs now = new Srs(settings, d -> d.equals("a.test"));
    String valid = now.forward("carol@c.test");
    String old = new Srs(settings, d -> false, Clock.fixed(Instant.now().minus(Duration.ofDays(30)), ZoneOffset.UTC))
        .forward("carol@c.test");
    try (SmtpScript s = new SmtpScript(new Socket(a.ip, a.port))) {
      s.expect("220 *");
      s.send("EHLO mx.elsewhere.test").expect("250 *");
      s.send("MAIL FROM:<>").expect("250 *");
      s.send("RCPT TO:<carol@c.test>").expect("554 5.7.1 *Relay access denied*");
      s.send("RCPT TO:<SRS0=FAKE=" + valid.substring(10)+ ">").expect("550 5.1.1 <SRS0=FAKE=*>: *invalid hash*");
      s.send("RCPT TO:<" + old + ">").expect("550 5.1.1 *expired*21 days*");
      s.send("RCPT TO:<SRS0=abcd@mx.a.test>").expect("550 5.1.1 *malformed SRS address*");
      s.send("RCPT TO:<SRS1=abcd=c.test==x@a.test>").expect("550 5.1.1 *invalid hash*");
      s.send("RCPT TO:<" + valid.toLowerCase() + ">").expect("250 *");
      // longer than RFC 5321's 64 octets, as SRS addresses often are
      String longer = now.forward("a.very.long.local.part.that.goes.on.and.on.and.on@c.test");
      assertThat(longer.substring(0, longer.indexOf('@'))).hasSizeGreaterThan(64);
      s.send("RCPT TO:<" + longer + ">").expect("250 *");
      s.send("RCPT TO:<SRS0=" + "x".repeat(600) + "@mx.a.test>").expect("501 *");
      s.send("QUIT").expect("221 *");
    }
  }

  @Test
  void onlyTheForwardedCopyIsRewritten() throws Exception {
    MailHost a = a("").start(); // trusts loopback: the test client may relay
    MailHost b = b(MailHost.Sections.none()).start();
    assertThat(a.cli("alias", "add", "fwd@a.test", "bob@b.test").status()).isZero();

    // one queue entry, a local recipient and one forwarded to B
    a.send("carol@c.test", List.of("fwd@a.test", "alice@a.test"), "", "Subject: both\r\n\r\nto both\r\n");
    assertThat(returnPath(b.awaitMessages("bob@b.test", 1).getFirst())).startsWith("SRS0=").endsWith("=c.test=carol@mx.a.test");
    assertThat(returnPath(a.awaitMessages("alice@a.test", 1).getFirst())).isEqualTo("carol@c.test");

    // one queue entry for one remote domain, forwarded and relayed: two transactions, two senders
    a.send("carol@c.test", List.of("fwd@a.test", "bob2@b.test"), "", "Subject: split\r\n\r\nsplit by sender\r\n");
    assertThat(returnPath(b.awaitMessages("bob2@b.test", 1).getFirst())).isEqualTo("carol@c.test");
    assertThat(b.awaitMessages("bob@b.test", 2))
        .anyMatch(m -> m.contains("split by sender") && returnPath(m).endsWith("=c.test=carol@mx.a.test"));

    // a user's own mail, straight or through an alias of ours, keeps the user's address
    a.send("alice@a.test", "bob2@b.test", "from alice");
    assertThat(b.awaitMessages("bob2@b.test", 2)).anyMatch(m -> m.contains("from alice") && returnPath(m).equals("alice@a.test"));
    a.send("alice@a.test", "fwd@a.test", "alice through the alias");
    List<String> bobs = b.awaitMessages("bob@b.test", 3);
    assertThat(bobs).anyMatch(m -> m.contains("alice through the alias") && returnPath(m).equals("alice@a.test"));
    // the null sender stays null
    a.send("", "fwd@a.test", "a bounce forwarded");
    assertThat(b.awaitMessages("bob@b.test", 4)).anyMatch(m -> m.contains("a bounce forwarded") && returnPath(m).isEmpty());
  }

  @Test
  void theRewriteIsWorkedOutAgainAfterARestart() throws Exception {
    MailHost a = a("").start();
    MailHost b = b(MailHost.Sections.none()); // down for now
    assertThat(a.cli("alias", "add", "fwd@a.test", "bob@b.test").status()).isZero();
    a.send("carol@c.test", "fwd@a.test", "waited in the queue");
    MailHost.await(() -> deferred(a), "the forwarded copy to be deferred");
    a.stop();
    b.start();
    a.start();
    String got = b.awaitMessages("bob@b.test", 1).getFirst();
    assertThat(got).contains("waited in the queue");
    assertThat(returnPath(got)).matches("SRS0=[^=]{4}=[A-Z2-7]{2}=c\\.test=carol@mx\\.a\\.test");
    a.awaitEmptyQueue();
  }

  @Test
  void aForwardThatComesBackIsRefusedNotLoopedAndTheSenderIsTold() throws Exception {
    MailHost a = a("").start();
    MailHost b = b(MailHost.Sections.none()).start();
    MailHost c = c();
    assertThat(a.cli("alias", "add", "loop@a.test", "back@b.test").status()).isZero();
    assertThat(b.cli("alias", "add", "back@b.test", "loop@a.test").status()).isZero();

    a.send("carol@c.test", "loop@a.test", "round and round");

    String bounce = c.awaitMessages("carol@c.test", 1).getFirst();
    assertThat(bounce).contains("5.4.6").contains("too many hops");
    a.awaitEmptyQueue();
    b.awaitEmptyQueue();
    assertThat(Files.exists(a.maildir("alice@a.test"))).isFalse();
    assertThat(c.messages("carol@c.test")).hasSize(1);
  }
}
