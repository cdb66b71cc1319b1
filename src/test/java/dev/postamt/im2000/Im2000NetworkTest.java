package dev.postamt.im2000;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.mailauth.dkim.DkimKeys;
import dev.postamt.testing.MailHost;
import dev.postamt.testing.MailNetwork;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * IM2000 end to end between two instances on loopback (A = a.test on 127.0.1.2, B = b.test on 127.0.1.3)
 * with one zone file: the {@code _im2000} advertisements, DKIM keys of both domains, and each host's
 * https listener (a certificate naming it, trusted by the other through {@code [delivery] tls_trust}).
 */
class Im2000NetworkTest {
  @RegisterExtension final MailNetwork net = MailNetwork.withZone(Im2000Pair.ZONE);

  private Im2000Pair pair;
  private MailHost a;
  private MailHost b;
  private int https;

  private void network(boolean advertiseB) throws Exception {
    network(advertiseB, "");
  }

  private void network(boolean advertiseB, String bExtra) throws Exception {
    pair = Im2000Pair.of(net, advertiseB, bExtra);
    a = pair.a;
    b = pair.b;
    https = pair.https;
  }

  private static Im2000Service im2000(MailHost h) {
    return Im2000Pair.im2000(h);
  }

  private Path pulled(MailHost h) {
    return pair.pulled();
  }

  private List<String> fetchOverImap() throws Exception {
    return pair.fetchOverImap("bob@b.test");
  }

  private long outboxFileSize(MailHost h, String id) throws Exception {
    return pair.outboxFileSize(id);
  }

  @Test
  void aMessageArrivesAsANotificationIsPulledOnFirstFetchAndLeavesTheSendersOutbox() throws Exception {
    network(true);
    b = b.start();
    a = a.start();
    a.send("alice@a.test", "bob@b.test", "the body stays at A until Bob reads it");
    a.awaitEmptyQueue();

    String stub = b.awaitMessages("bob@b.test", 1).getFirst();
    assertThat(stub).contains("X-IM2000-Pull: https://mx.a.test:" + https + "/im2000/m/").contains("Subject: test")
        .doesNotContain("the body stays at A");
    String id = im2000(a).outboxIds().getFirst();
    assertThat(im2000(a).outboxStates(id)).containsEntry("b.test", "notified/1");
    long size = outboxFileSize(a, id);
    // nothing pulled yet: the search indexer read the stub without pulling it
    assertThat(pulled(b)).isEmptyDirectory();

    List<String> fetched = fetchOverImap();
    assertThat(fetched.get(0)).contains("RFC822.SIZE " + size + ")");
    assertThat(fetched.get(1)).contains("BODY[] {" + size + "}").contains("the body stays at A until Bob reads it")
        .doesNotContain("X-IM2000-Pull");
    // B confirmed the fetch: A deleted its copy
    assertThat(im2000(a).outboxIds()).isEmpty();
    assertThat(a.dir.resolve("data/im2000/outbox")).isEmptyDirectory();
    assertThat(im2000(a).notificationPosts()).isEqualTo(1);
    // a second read serves B's copy
    assertThat(fetchOverImap().get(1)).contains("the body stays at A until Bob reads it");
  }

  @Test
  void aReceiverThatIsDownGetsTheMessageWhenItComesBackWithoutRetriesFromTheSender() throws Exception {
    network(true);
    a = a.start();
    a.send("alice@a.test", "bob@b.test", "sent while B was down");
    a.awaitEmptyQueue(); // done at once: nothing is left to retry
    String id = im2000(a).outboxIds().getFirst();
    assertThat(im2000(a).outboxStates(id)).containsEntry("b.test", "unreached/1");

    b = b.start(); // B reads A's feed when it starts
    String stub = b.awaitMessages("bob@b.test", 1).getFirst();
    assertThat(stub).contains("X-IM2000-Pull:").doesNotContain("sent while B was down");
    assertThat(fetchOverImap().get(1)).contains("sent while B was down");
    assertThat(im2000(a).outboxIds()).isEmpty();
    // A made its one notification attempt, and no other
    assertThat(im2000(a).notificationPosts()).isEqualTo(1);
    // B polling again brings nothing new
    assertThat(im2000(b).pollNow()).isZero();
    assertThat(b.messages("bob@b.test")).hasSize(1);
  }

  @Test
  void aDomainWithoutTheAdvertisementGetsTheMessageBySmtp() throws Exception {
    network(false);
    b = b.start();
    a = a.start();
    a.send("alice@a.test", "bob@b.test", "plain SMTP for b.test");
    String message = b.awaitMessages("bob@b.test", 1).getFirst();
    assertThat(message).contains("plain SMTP for b.test").doesNotContain("X-IM2000-Pull");
    a.awaitEmptyQueue();
    assertThat(im2000(a).outboxIds()).isEmpty();
    assertThat(im2000(a).notificationPosts()).isZero();
  }

  @Test
  void eagerPullingFetchesWithoutAnyoneReading() throws Exception {
    network(true, "pull = \"eager\"\npoll = \"1s\"\n");
    b = b.start();
    a = a.start();
    a.send("alice@a.test", "bob@b.test", "pulled before it is read");
    a.awaitEmptyQueue();
    b.awaitMessages("bob@b.test", 1);
    MailHost.await(() -> im2000(a).outboxIds().isEmpty(), "A's outbox to empty without a read at B");
    assertThat(im2000(a).notificationPosts()).isEqualTo(1);
    try (var files = Files.list(pulled(b))) {
      assertThat(files.filter(p -> p.toString().endsWith(".eml")).toList()).singleElement()
          .satisfies(p -> assertThat(Files.readString(p)).contains("pulled before it is read"));
    }
    assertThat(fetchOverImap().get(1)).contains("pulled before it is read");
  }

  @Test
  void unsignedAndForgedNotificationsAreRefusedAndLeaveNoStub() throws Exception {
    network(true);
    b = b.start();
    HttpsClient http = new HttpsClient(dev.postamt.dns.ZoneFileResolver.load(net.zone),
        dev.postamt.delivery.tls.TrustedTls.create(java.util.Optional.of(net.dir.resolve("trust.pem"))),
        java.time.Duration.ofSeconds(10));
    java.net.URI notify = java.net.URI.create("https://mx.b.test:" + https + "/im2000/notify");
    String url = "https://mx.a.test:" + https + "/im2000/m/" + "C".repeat(43);
    Notification forged = new Notification("X1", "mallory@a.test", List.of("bob@b.test"), 10, "0".repeat(64), url,
        "", "forged", "", "");
    assertThat(http.send("POST", notify, null, forged.json(), 65536).status()).isEqualTo(401);
    // signed with a key a.test does not publish
    var otherKey = DkimKeys.generate(net.dir.resolve("elsewhere"), "a.test", "im", "ed25519").key();
    assertThat(http.send("POST", notify, Signatures.sign(otherKey, "POST", "/im2000/notify", forged.json()),
        forged.json(), 65536).status()).isEqualTo(401);
    // signed by a.test, but for a sender of b.test
    var aKey = DkimKeys.load(a.dir.resolve("data"), "a.test").getFirst();
    Notification other = new Notification("X2", "eve@b.test", List.of("bob@b.test"), 10, "0".repeat(64), url, "", "", "", "");
    assertThat(http.send("POST", notify, Signatures.sign(aKey, "POST", "/im2000/notify", other.json()), other.json(), 65536)
        .status()).isEqualTo(403);
    // signed by a.test, but the capability URL is elsewhere than a.test's advertised endpoint
    Notification away = new Notification("X3", "alice@a.test", List.of("bob@b.test"), 10, "0".repeat(64),
        "https://mx.b.test:" + https + "/im2000/m/" + "D".repeat(43), "", "", "", "");
    assertThat(http.send("POST", notify, Signatures.sign(aKey, "POST", "/im2000/notify", away.json()), away.json(), 65536)
        .status()).isEqualTo(403);
    assertThat(http.send("POST", notify, null, "not json".getBytes(java.nio.charset.StandardCharsets.UTF_8), 65536).status())
        .isEqualTo(400);
    assertThat(b.messages("bob@b.test")).isEmpty();
    // a genuine one, twice: one stub
    Notification real = new Notification("X4", "alice@a.test", List.of("bob@b.test", "nobody@b.test"), 10, "0".repeat(64),
        url, "", "real", "", "");
    String sig = Signatures.sign(aKey, "POST", "/im2000/notify", real.json());
    HttpsClient.Answer first = http.send("POST", notify, sig, real.json(), 65536);
    assertThat(first.status()).isEqualTo(202);
    assertThat(new String(first.body(), java.nio.charset.StandardCharsets.UTF_8)).contains("\"unknown\":[\"nobody@b.test\"]");
    assertThat(http.send("POST", notify, sig, real.json(), 65536).status()).isEqualTo(200);
    assertThat(b.awaitMessages("bob@b.test", 1)).hasSize(1);
  }
}
