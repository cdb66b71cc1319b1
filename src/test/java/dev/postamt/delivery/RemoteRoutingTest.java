package dev.postamt.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.testing.FakeSmtpServer;
import dev.postamt.testing.MailHost;
import dev.postamt.testing.MailNetwork;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Relayhost with AUTH, transport map entries and backup MX, on 127.0.3.x. */
class RemoteRoutingTest {
  @TempDir Path tmp;
  private final List<AutoCloseable> open = new ArrayList<>();
  @RegisterExtension final MailNetwork net = MailNetwork.withZone(
      """
      a.test.        MX 10 mx.a.test.
      mx.a.test.     A  127.0.3.2
      relay.test.    A  127.0.3.3
      c.test.        MX 10 mx.c.test.
      mx.c.test.     A  127.0.3.4
      backup.test.   MX 10 primary.backup.test.
                     MX 20 mx.b.test.
      primary.backup.test. A 127.0.3.4
      mx.b.test.     A  127.0.3.3
      ; an outside sender's domain (the default [policy] refuses unknown sender domains)
      elsewhere.test. MX 10 mx.elsewhere.test.
      """);

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open.reversed()) {
      c.close();
    }
  }

  private MailHost host(String ip, String name, String domain, List<String> users, MailHost.Sections s) throws Exception {
    return net.host(ip, name, domain, users, s);
  }

  @Test
  void relayhostWithAuthOverStartTls() throws Exception {
    Path pw = tmp.resolve("relay-password");
    Files.writeString(pw, MailHost.PASSWORD + "\n");
    MailHost a = host("127.0.3.2", "mx.a.test", "a.test", List.of("alice"), MailHost.Sections.none().relay(
        "relayhost = \"[relay.test]\"\nrelayhost_user = \"bob@b.test\"\nrelayhost_password_file = \"" + pw + "\"\n")).start();
    // B trusts no network: it relays only for an authenticated client
    host("127.0.3.3", "mx.b.test", "b.test", List.of("bob"), MailHost.Sections.none().relay("networks = []\n")).start();
    MailHost c = host("127.0.3.4", "mx.c.test", "c.test", List.of("carol"), MailHost.Sections.none()).start();

    // the smarthost lets bob send only as himself (Postfix reject_sender_login_mismatch)
    a.send("bob@b.test", "carol@c.test", "through the smarthost");

    String got = c.awaitMessages("carol@c.test", 1).getFirst();
    assertThat(got).contains("through the smarthost").contains("by mx.b.test (Postamt) with ESMTPSA");
    a.awaitEmptyQueue();
  }

  @Test
  void relayhostWithAWrongPasswordDefers() throws Exception {
    MailHost a = host("127.0.3.2", "mx.a.test", "a.test", List.of("alice"), MailHost.Sections.none().queue("retry = [\"1h\"]\n").relay(
        "relayhost = \"[relay.test]\"\nrelayhost_user = \"bob@b.test\"\nrelayhost_password = \"wrong\"\n")).start();
    host("127.0.3.3", "mx.b.test", "b.test", List.of("bob"), MailHost.Sections.none().relay("networks = []\n")).start();

    a.send("alice@a.test", "carol@c.test", "not sent");

    MailHost.await(() -> a.cli("queue", "list").out().contains("SASL authentication failed"), "a deferral for the login");
  }

  @Test
  void backupMxForwardsRelayDomainsToTheBestMxThatIsNotItself() throws Exception {
    MailHost a = host("127.0.3.2", "mx.a.test", "a.test", List.of("alice"), MailHost.Sections.none()).start();
    // B is the secondary MX of backup.test; the primary is C
    MailHost b = host("127.0.3.3", "mx.b.test", "b.test", List.of("bob"),
        MailHost.Sections.none().relay("networks = []\nrelay_domains = [\"backup.test\"]\n")).start();
    MailHost c = host("127.0.3.4", "primary.backup.test", "backup.test", List.of("dave"), MailHost.Sections.none());

    // submitted straight to the backup MX, as a sender would when the primary is down
    b.send("someone@elsewhere.test", "dave@backup.test", "kept by the backup");
    MailHost.await(() -> b.cli("queue", "list").out().contains("dave@backup.test"), "the backup to queue it");

    c.start();
    b.cli("queue", "flush");
    assertThat(c.awaitMessages("dave@backup.test", 1).getFirst()).contains("kept by the backup");
    b.awaitEmptyQueue();
  }

  @Test
  void transportMapEntries() throws Exception {
    FakeSmtpServer smtp = new FakeSmtpServer(new InetSocketAddress("127.0.3.5", 0), false);
    open.add(smtp);
    FakeSmtpServer lmtp = new FakeSmtpServer(new InetSocketAddress("127.0.3.6", 0), true);
    open.add(lmtp);
    lmtp.dataEndReply = r -> r.startsWith("full") ? "452 4.2.2 Mailbox full" : r.startsWith("gone") ? "550 5.1.1 No such user" : "250 2.0.0 Ok";
    MailHost a = host("127.0.3.2", "mx.a.test", "a.test", List.of("alice"), MailHost.Sections.none().queue("retry = [\"1h\"]\n").bottom(
        "[transport]\n"
            + "\"fake.test\" = \"smtp:[127.0.3.5]:" + smtp.port() + "\"\n"
            + "\"mailstore.test\" = \"lmtp:127.0.3.6:" + lmtp.port() + "\"\n"
            + "\"gone.test\" = \"error:5.1.2 this domain is gone\"\n"
            + "\".void.test\" = \"discard\"\n")).start();

    a.send("alice@a.test", List.of("x@fake.test"), " NOTIFY=SUCCESS,FAILURE", "Subject: t\r\n\r\n..leading dot\r\n");
    MailHost.await(() -> !smtp.messages.isEmpty(), "the fake SMTP server to get the message");
    assertThat(smtp.messages.getFirst()).contains("\r\n.leading dot\r\n");
    // the peer speaks DSN: NOTIFY goes along and the success notice is the peer's business
    assertThat(smtp.commands).anyMatch(c -> c.equals("RCPT TO:<x@fake.test> NOTIFY=SUCCESS,FAILURE"));

    a.send("alice@a.test", List.of("ok@mailstore.test", "gone@mailstore.test", "full@mailstore.test"), "", "Subject: l\r\n\r\nlmtp\r\n");
    a.send("alice@a.test", "y@gone.test", "to nowhere");
    a.send("alice@a.test", "z@sub.void.test", "into the void");

    List<String> notices = a.awaitMessages("alice@a.test", 2);
    assertThat(notices).anyMatch(n -> n.contains("Final-Recipient: rfc822; gone@mailstore.test") && n.contains("Status: 5.1.1")
        && !n.contains("Final-Recipient: rfc822; ok@mailstore.test"));
    assertThat(notices).anyMatch(n -> n.contains("Final-Recipient: rfc822; y@gone.test") && n.contains("Status: 5.1.2")
        && n.contains("this domain is gone"));
    assertThat(lmtp.commands).anyMatch(c -> c.startsWith("LHLO "));
    // only the full mailbox is still queued; the discarded and the delivered are gone
    MailHost.await(() -> a.cli("queue", "list").out().contains("1 Request"), "one message left");
    String list = a.cli("queue", "list").out();
    assertThat(list).contains("full@mailstore.test").contains("452 4.2.2 Mailbox full")
        .doesNotContain("ok@mailstore.test").doesNotContain("z@sub.void.test");
  }
}
