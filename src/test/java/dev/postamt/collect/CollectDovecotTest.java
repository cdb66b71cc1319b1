package dev.postamt.collect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.sieve.store.SqliteSieveScripts;
import dev.postamt.testing.Dovecot;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Collecting from Debian's Dovecot started by the test (skipped when it is not installed), over each of
 * POP3 and IMAP with implicit TLS and with STARTTLS: every message arrives once, a second run fetches
 * none, the remote copies go (or stay with --keep), the user's Sieve script files them, a bad password
 * and an unverified certificate are errors the user sees in {@code collect list}.
 */
class CollectDovecotTest {
  @TempDir Path tmp;

  private static String url(Dovecot d, String scheme) {
    int port = switch (scheme) {
      case "pop3s" -> d.pop3s;
      case "pop3" -> d.pop3;
      case "imaps" -> d.imaps;
      default -> d.imap;
    };
    return scheme + "://127.0.0.1:" + port;
  }

  @ParameterizedTest
  @ValueSource(strings = {"pop3s", "pop3", "imaps", "imap"})
  void collectsEachMessageOnceDeletesItRemotelyAndFilesItBySieve(String scheme) throws Exception {
    try (Dovecot d = Dovecot.start(tmp, "old@remote.test", "old-secret")) {
      CollectFixture f = new CollectFixture(tmp.resolve("postamt"), "");
      try (SqliteSieveScripts scripts = SqliteSieveScripts.open(f.config.dataDir())) {
        scripts.put(CollectFixture.USER, "rules", "require [\"fileinto\", \"mailbox\"];\n"
            + "if header :contains \"subject\" \"invoice\" { fileinto :create \"Invoices\"; }\n");
        scripts.activate(CollectFixture.USER, "rules");
      }
      d.deliver(CollectFixture.message("hello one"));
      d.deliver(CollectFixture.message("invoice 42"));
      d.deliver(CollectFixture.message("hello two"));
      CollectFixture.Cli added = f.cli("collect", "add", CollectFixture.USER, url(d, scheme), "--user", d.login,
          "--password", d.password, "--insecure");
      assertThat(added.status()).as(added.err()).isZero();

      List<Collector.Result> first = f.run();
      assertThat(first).singleElement().satisfies(r -> {
        assertThat(r.error()).as("%s\n%s", r, d.log()).isNull();
        assertThat(r.fetched()).isEqualTo(3);
        assertThat(r.deleted()).isEqualTo(3);
      });
      Map<String, String> texts = new HashMap<>();
      assertThat(f.subjects(texts)).containsEntry("INBOX", List.of("hello one", "hello two"))
          .containsEntry("Invoices", List.of("invoice 42"));
      assertThat(texts.get("hello one")).startsWith("Delivered-To: " + CollectFixture.USER + "\r\nReceived: from 127.0.0.1 (")
          .contains("by mx.example.test (Postamt) with " + (scheme.startsWith("pop3") ? "POP3" : "IMAP") + " id C")
          .endsWith("body of hello one\r\n");
      assertThat(d.inboxCount()).as("deleted on the remote server").isZero();

      assertThat(f.run()).singleElement().satisfies(r -> assertThat(r.fetched()).isZero());
      d.deliver(CollectFixture.message("hello three"));
      assertThat(f.run()).singleElement().satisfies(r -> assertThat(r.fetched()).isEqualTo(1));
      assertThat(f.subjects(null).get("INBOX")).containsExactly("hello one", "hello three", "hello two");
      CollectFixture.Cli list = f.cli("collect", "list", CollectFixture.USER);
      assertThat(list.out()).contains(url(d, scheme)).contains("collected=4").doesNotContain("error=")
          .doesNotContain(d.password);
    }
  }

  @Test
  void keepLeavesTheMessagesOnTheServerAndStillFetchesNothingTwice() throws Exception {
    try (Dovecot d = Dovecot.start(tmp, "old@remote.test", "old-secret")) {
      CollectFixture f = new CollectFixture(tmp.resolve("postamt"), "");
      d.deliver(CollectFixture.message("kept one"));
      d.deliver(CollectFixture.message("kept two"));
      assertThat(f.cli("collect", "add", CollectFixture.USER, url(d, "imaps"), "--user", d.login, "--password",
          d.password, "--insecure", "--keep").status()).isZero();
      assertThat(f.cli("collect", "add", CollectFixture.USER, url(d, "pop3s"), "--user", d.login, "--password",
          d.password, "--insecure", "--keep").status()).isZero();
      List<Collector.Result> first = f.run();
      assertThat(first).hasSize(2).allSatisfy(r -> {
        assertThat(r.error()).isNull();
        assertThat(r.fetched()).isEqualTo(2);
        assertThat(r.deleted()).isZero();
      });
      assertThat(d.inboxCount()).isEqualTo(2);
      assertThat(f.run()).allSatisfy(r -> assertThat(r.fetched()).isZero());
      assertThat(f.subjects(null).get("INBOX")).containsExactly("kept one", "kept one", "kept two", "kept two");
    }
  }

  @Test
  void aBadPasswordAndAnUntrustedCertificateAreErrorsTheUserSeesWithBackOff() throws Exception {
    try (Dovecot d = Dovecot.start(tmp, "old@remote.test", "old-secret")) {
      CollectFixture f = new CollectFixture(tmp.resolve("postamt"), "[collect]\ninterval = \"1m\"\n");
      d.deliver(CollectFixture.message("waiting"));
      assertThat(f.cli("collect", "add", CollectFixture.USER, url(d, "pop3s"), "--user", d.login, "--password",
          "wrong", "--insecure").status()).isZero();
      assertThat(f.cli("collect", "add", CollectFixture.USER, url(d, "imaps"), "--user", d.login, "--password",
          d.password).status()).isZero();
      CollectFixture.Cli run = f.cli("collect", "run", CollectFixture.USER);
      assertThat(run.status()).isEqualTo(1);
      assertThat(run.out()).contains("login failed").contains("TLS");
      CollectFixture.Cli list = f.cli("collect", "list", CollectFixture.USER);
      assertThat(list.out().lines()).hasSize(2);
      assertThat(list.out().lines().toList().get(0)).contains("error=\"login failed");
      assertThat(list.out().lines().toList().get(1)).contains("error=\"TLS").contains("--insecure");
      assertThat(d.inboxCount()).isEqualTo(1);
      try (CollectService s = f.service()) {
        List<CollectService.View> views = s.list(CollectFixture.USER);
        assertThat(views).allSatisfy(v -> {
          assertThat(v.failures()).isEqualTo(1);
          assertThat(v.nextAttempt()).isAfter(v.lastRun().orElseThrow().plusSeconds(50));
        });
      }
      // a second failure doubles the wait
      f.cli("collect", "run", CollectFixture.USER);
      try (CollectService s = f.service()) {
        assertThat(s.list(CollectFixture.USER)).allSatisfy(v -> {
          assertThat(v.failures()).isEqualTo(2);
          assertThat(v.nextAttempt()).isAfter(v.lastRun().orElseThrow().plusSeconds(110));
        });
      }
      assertThat(f.subjects(null)).allSatisfy((box, subjects) -> assertThat(subjects).isEmpty());
    }
  }
}
