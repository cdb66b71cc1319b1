package dev.postamt.im2000;

import dev.postamt.imap.ImapClient;
import dev.postamt.mailauth.dkim.DkimKeys;
import dev.postamt.net.TlsContext;
import dev.postamt.testing.MailHost;
import dev.postamt.testing.MailNetwork;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Two instances for IM2000 tests, on loopback (A = a.test on 127.0.1.2 with user alice, B = b.test on
 * 127.0.1.3) with one zone file: MX and A records, the {@code _im2000} advertisements, DKIM keys of both
 * domains, and each host's https listener (a certificate naming it, trusted by the other through
 * {@code [delivery] tls_trust}) and an IMAP listener. Created, not started.
 */
final class Im2000Pair {
  static final String ZONE =
      """
      $ORIGIN test.
      $TTL 300
      a.test.      MX 10 mx.a.test.
      mx.a.test.   A  127.0.1.2
      b.test.      MX 10 mx.b.test.
      mx.b.test.   A  127.0.1.3
      """;

  final MailNetwork net;
  final int https;
  final int imap;
  MailHost a;
  MailHost b;

  /**
   * @param advertiseB whether b.test publishes its TXT record
   * @param aIm2000 A's [im2000] lines ({@code enabled} among them); B's always has {@code enabled = true}
   * @param bIm2000 more lines for B's [im2000] section
   * @param bUsers B's users
   */
  Im2000Pair(MailNetwork net, boolean advertiseB, String aIm2000, String bIm2000, List<String> bUsers) throws Exception {
    this.net = net;
    this.https = MailHost.freePort();
    this.imap = MailHost.freePort();
    Path trust = net.dir.resolve("trust.pem");
    a = host("127.0.1.2", "mx.a.test", "a.test", List.of("alice"), trust, aIm2000 + "peers = [\"b.test\"]\n");
    b = host("127.0.1.3", "mx.b.test", "b.test", bUsers, trust, "enabled = true\npeers = [\"a.test\"]\n" + bIm2000);
    Files.writeString(trust, Files.readString(a.dir.resolve("cert.pem")) + Files.readString(b.dir.resolve("cert.pem")));
    StringBuilder zone = new StringBuilder(ZONE.stripIndent());
    zone.append(advertisement("a.test", "mx.a.test"));
    if (advertiseB) {
      zone.append(advertisement("b.test", "mx.b.test"));
    }
    zone.append(DkimKeys.generate(a.dir.resolve("data"), "a.test", "im", "ed25519").zoneLine()).append('\n');
    zone.append(DkimKeys.generate(b.dir.resolve("data"), "b.test", "im", "ed25519").zoneLine()).append('\n');
    Files.writeString(net.zone, zone.toString());
  }

  /** Both enabled, B with bob. */
  static Im2000Pair of(MailNetwork net, boolean advertiseB, String bIm2000) throws Exception {
    return new Im2000Pair(net, advertiseB, "enabled = true\n", bIm2000, List.of("bob"));
  }

  private String advertisement(String domain, String host) {
    return "_im2000." + domain + ". TXT \"v=IM2000; n=https://" + host + ":" + https + "/im2000/notify\"\n";
  }

  private MailHost host(String ip, String name, String domain, List<String> users, Path trust, String im2000)
      throws Exception {
    MailHost h = net.host(ip, name, domain, users, new MailHost.Sections("", "tls_trust = \"" + trust + "\"\n",
        "", "", "[tls]\ncertificate = \"cert.pem\"\nprivate_key = \"key.pem\"\n"
            + "[im2000]\nurl = \"https://" + name + ":" + https + "/im2000/\"\n" + im2000));
    TlsContext.writeSelfSigned(List.of(name), h.dir.resolve("cert.pem"), h.dir.resolve("key.pem"));
    String cfg = Files.readString(h.configFile);
    Files.writeString(h.configFile, cfg.replaceFirst("(?m)^smtp = (.*)$",
        "smtp = $1\nhttps = \"" + ip + ":" + https + "\"\nimap = \"" + ip + ":" + imap + "\""));
    return h;
  }

  static Im2000Service im2000(MailHost h) {
    return h.server().im2000().orElseThrow();
  }

  /** Where B keeps pulled messages. */
  Path pulled() {
    return b.dir.resolve("data/im2000/inbox");
  }

  long outboxFileSize(String id) throws Exception {
    return Files.size(a.dir.resolve("data/im2000/outbox/" + id + ".eml"));
  }

  /** A user's first message at B over IMAP: its RFC822.SIZE line and its BODY[] response. */
  List<String> fetchOverImap(String user) throws Exception {
    return fetchOverImap(user, 1);
  }

  /** Message {@code n} of {@code n} at B over IMAP: its RFC822.SIZE line and its BODY[] response. */
  List<String> fetchOverImap(String user, int n) throws Exception {
    try (ImapClient c = new ImapClient(b.ip, imap)) {
      c.greeting();
      c.run("a LOGIN " + user + " " + MailHost.PASSWORD, "a OK*");
      c.run("b SELECT INBOX", "* " + n + " EXISTS", "b OK*");
      String size = c.run("c FETCH " + n + " (RFC822.SIZE)", "* " + n + " FETCH*", "c OK*").getFirst();
      String body = String.join("\n", c.run("d FETCH " + n + " BODY[]", "* " + n + " FETCH*", "d OK*"));
      c.run("e LOGOUT", "* BYE*", "e OK*");
      return List.of(size, body);
    }
  }
}
