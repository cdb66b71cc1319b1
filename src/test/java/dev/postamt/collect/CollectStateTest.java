package dev.postamt.collect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postamt.config.Config;
import dev.postamt.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The parts of collecting that need no remote server: URLs, the sealed passwords, the state, back-off, the CLI's errors. */
class CollectStateTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @CsvSource({
      "pop3s://mail.example.org, POP3, mail.example.org, 995, true, pop3s://mail.example.org:995",
      "POP3://mail.example.org:1110, POP3, mail.example.org, 1110, false, pop3://mail.example.org:1110",
      "imaps://[::1]:9993, IMAP, ::1, 9993, true, imaps://[::1]:9993",
      "imap://h.test/, IMAP, h.test, 143, false, imap://h.test:143"})
  void urlsParse(String text, RemoteUrl.Protocol protocol, String host, int port, boolean tls, String shown) {
    RemoteUrl u = RemoteUrl.parse(text);
    assertThat(u).isEqualTo(new RemoteUrl(protocol, host, port, tls));
    assertThat(u.toString()).isEqualTo(shown);
    assertThat(RemoteUrl.parse(u.toString())).isEqualTo(u);
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://h.test", "pop3s://", "imaps://user@h.test", "imaps://h.test/INBOX", "h.test:993",
      "imaps://h.test?x=1", "pop3s://h test"})
  void badUrlsAreOneLineErrors(String text) {
    assertThatThrownBy(() -> RemoteUrl.parse(text)).isInstanceOf(CollectException.class)
        .hasMessageStartingWith("not a remote account URL: ").hasMessageNotContaining("\n");
  }

  @Test
  void passwordsAreSealedUnderAKeyFileOfMode0600AndOpenOnlyForTheirOwner() throws Exception {
    SecretBox box = SecretBox.open(tmp);
    Path key = tmp.resolve("collect").resolve("secret.key");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
    byte[] sealed = box.seal("alice@example.test", "app-pässword");
    assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("app-p");
    assertThat(box.seal("alice@example.test", "app-pässword")).isNotEqualTo(sealed); // a fresh nonce each time
    assertThat(SecretBox.open(tmp).open("alice@example.test", sealed)).isEqualTo("app-pässword");
    assertThatThrownBy(() -> box.open("bob@example.test", sealed)).isInstanceOf(IOException.class);
    sealed[sealed.length - 1] ^= 1;
    assertThatThrownBy(() -> box.open("alice@example.test", sealed)).isInstanceOf(IOException.class)
        .hasMessageContaining("add it again");
  }

  @Test
  void accountsAreAddedListedAndRemovedPerUserWithinTheLimit() throws Exception {
    CollectFixture f = new CollectFixture(tmp, "[collect]\nmax_accounts = 2\n");
    try (CollectService s = f.service()) {
      long a = s.add("Alice@Example.test", "pop3s://pop.remote.test", "old", "pw-one", false, false, false);
      long b = s.add(CollectFixture.USER, "imap://imap.remote.test", "old", "pw-two", true, true, true);
      assertThat(s.list(CollectFixture.USER)).extracting(CollectService.View::id, CollectService.View::url,
          CollectService.View::keep, CollectService.View::plaintext).containsExactly(
          org.assertj.core.groups.Tuple.tuple(a, "pop3s://pop.remote.test:995", false, false),
          org.assertj.core.groups.Tuple.tuple(b, "imap://imap.remote.test:143", true, true));
      assertThat(s.list(CollectFixture.USER)).allSatisfy(v -> {
        assertThat(v.lastRun()).isEmpty();
        assertThat(v.nextAttempt()).isBeforeOrEqualTo(Instant.now()); // due at once
      });
      assertThatThrownBy(() -> s.add(CollectFixture.USER, "pop3s://x.test", "u", "p", false, false, false))
          .isInstanceOf(CollectException.class).hasMessageContaining("collect.max_accounts");
      assertThatThrownBy(() -> s.add("nobody@example.test", "pop3s://x.test", "u", "p", false, false, false))
          .isInstanceOf(CollectException.class).hasMessage("user nobody@example.test does not exist");
      assertThatThrownBy(() -> s.remove(CollectFixture.USER, 999)).isInstanceOf(CollectException.class)
          .hasMessage(CollectFixture.USER + " has no remote account 999");
      s.remove(CollectFixture.USER, a);
      assertThat(s.list(CollectFixture.USER)).extracting(CollectService.View::id).containsExactly(b);
    }
    byte[] db = Files.readAllBytes(f.config.dataDir().resolve("collect.db"));
    String raw = new String(db, StandardCharsets.ISO_8859_1);
    assertThat(raw).doesNotContain("pw-two");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "pw\r\nQUIT"})
  void passwordsThatCannotBeSentAreRefused(String password) throws Exception {
    CollectFixture f = new CollectFixture(tmp, "");
    try (CollectService s = f.service()) {
      assertThatThrownBy(() -> s.add(CollectFixture.USER, "pop3s://x.test", "u", password, false, false, false))
          .isInstanceOf(CollectException.class).hasMessageContaining("--password");
      assertThatThrownBy(() -> s.add(CollectFixture.USER, "pop3s://x.test", "u\r\nDELE 1", "pw", false, false, false))
          .isInstanceOf(CollectException.class).hasMessageContaining("--user");
    }
  }

  @Test
  void theBackOffDoublesFromTheIntervalUpToTheMaximum() throws Exception {
    CollectFixture f = new CollectFixture(tmp, "[collect]\ninterval = \"1m\"\nmax_backoff = \"10m\"\n");
    Collector c = new Collector(f.config, null, null, null, java.time.Clock.systemUTC());
    assertThat(List.of(1, 2, 3, 4, 5, 50).stream().map(c::backoff).toList()).containsExactly(Duration.ofMinutes(1),
        Duration.ofMinutes(2), Duration.ofMinutes(4), Duration.ofMinutes(8), Duration.ofMinutes(10), Duration.ofMinutes(10));
  }

  @Test
  void theCollectSectionIsCheckedWithTheConfig() throws Exception {
    Path file = tmp.resolve("bad.toml");
    Files.writeString(file, "[collect]\ninterval = \"1s\"\nmax_accounts = 0\nsurprise = 1\n");
    assertThatThrownBy(() -> Config.load(file, true)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("collect.interval").hasMessageContaining("collect.max_accounts")
        .hasMessageContaining("surprise");
    assertThat(Config.defaults().collect()).isEqualTo(dev.postamt.config.Collect.defaults());
  }

  @Test
  void theEnvelopeSenderIsTheRemoteReturnPath() {
    assertThat(MdaDrop.sender("Return-Path: <a@b.test>\r\nSubject: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo("a@b.test");
    assertThat(MdaDrop.sender("Subject: x\r\n\r\nReturn-Path: <a@b.test>\r\n".getBytes(StandardCharsets.US_ASCII)))
        .isEmpty();
  }

  @Test
  void theCliAnswersBadInputWithOneLine() throws Exception {
    CollectFixture f = new CollectFixture(tmp, "");
    CollectFixture.Cli bad = f.cli("collect", "add", CollectFixture.USER, "ftp://x.test", "--user", "u", "--password", "p");
    assertThat(bad.status()).isEqualTo(1);
    assertThat(bad.err().strip()).startsWith("postamt: not a remote account URL: ftp://x.test").doesNotContain("\n")
        .doesNotContain("Exception");
    CollectFixture.Cli none = f.cli("collect", "remove", CollectFixture.USER, "7");
    assertThat(none.status()).isEqualTo(1);
    assertThat(none.err().strip()).isEqualTo("postamt: " + CollectFixture.USER + " has no remote account 7");
    assertThat(f.cli("collect", "list", CollectFixture.USER).out().strip())
        .isEqualTo("no remote accounts for " + CollectFixture.USER);
  }
}
