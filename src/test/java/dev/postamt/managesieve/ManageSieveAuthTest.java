package dev.postamt.managesieve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.net.AuthThrottle;
import dev.postamt.testing.ScramClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Greeting, capabilities, STARTTLS and AUTHENTICATE (RFC 5804 §1.7, §2.1, §2.2, §2.4, §2.14). */
class ManageSieveAuthTest {
  @RegisterExtension final ManageSieveTestServer server = ManageSieveTestServer.create()
      .settings(s -> new ManageSieveSettings(s.hostname(), s.maxLine(), s.maxLiteralBeforeLogin(), s.idleTimeout(),
          s.commandDeadline(), s.maxBadCommands(), 3, Duration.ZERO, false, false));

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void greetingListsCapabilitiesAndNoMechanismBeforeTls() throws Exception {
    try (SieveClient c = SieveClient.connect(server.port())) {
      List<String> caps = c.capabilities();
      assertThat(caps).contains("\"IMPLEMENTATION\" \"Postamt\"", "\"SASL\" \"\"", "\"STARTTLS\"", "\"VERSION\" \"1.0\"",
          "\"NOTIFY\" \"mailto\"", "\"MAXREDIRECTS\" \"4\"", "\"UNAUTHENTICATE\"");
      String sieve = caps.stream().filter(l -> l.startsWith("\"SIEVE\" ")).findFirst().orElseThrow();
      assertThat(sieve.substring(9, sieve.length() - 1).split(" "))
          .contains("fileinto", "vacation", "imap4flags", "variables", "include", "enotify", "regex", "comparator-i;ascii-numeric");
      assertThat(caps).noneMatch(l -> l.startsWith("\"OWNER\""));
    }
  }

  @Test
  void authenticationNeedsTlsFromEverywhereButLoopbackByDefault() throws Exception {
    SieveClient c = server.connect();
    assertThat(c.plain(ManageSieveTestServer.ALICE, ManageSieveTestServer.PASSWORD))
        .startsWith("NO (ENCRYPT-NEEDED) ");
    c.send("LISTSCRIPTS").expect("NO \"LISTSCRIPTS needs authentication first\"");
    c.startTls();
    c.send("CAPABILITY");
    List<String> caps = c.capabilities();
    assertThat(caps).contains("\"SASL\" \"PLAIN SCRAM-SHA-256\"").doesNotContain("\"STARTTLS\"");
    c.send("STARTTLS").expect("NO *");
    assertThat(c.plain(ManageSieveTestServer.ALICE, ManageSieveTestServer.PASSWORD)).isEqualTo("OK \"Logged in\"");
    c.send("CAPABILITY");
    assertThat(c.capabilities()).contains("\"OWNER\" \"alice@example.test\"").noneMatch(l -> l.startsWith("\"SASL\""));
    c.send("AUTHENTICATE \"PLAIN\"").expect("NO \"AUTHENTICATE is not allowed after login\"");
  }

  @Test
  void loopbackMayAuthenticateWithoutTlsWhenTheSettingSaysSo(@TempDir Path dir) throws Exception {
    try (ManageSieveTestServer local = ManageSieveTestServer.create().settings(s -> s.withLoopbackIsSecure(true))) {
      local.startIn(dir);
      SieveClient c = local.connect();
      c.send("CAPABILITY");
      assertThat(c.capabilities()).contains("\"SASL\" \"PLAIN SCRAM-SHA-256\"");
      assertThat(c.plain(ManageSieveTestServer.ALICE, ManageSieveTestServer.PASSWORD)).isEqualTo("OK \"Logged in\"");
    }
  }

  @Test
  void plainWithAChallengeAndWrongPasswordsThenTooManyFailures() throws Exception {
    SieveClient c = server.connect().startTls();
    c.send("AUTHENTICATE \"PLAIN\"");
    assertThat(c.readLine()).isEqualTo("\"\""); // an empty challenge
    c.send("\"" + b64("\0alice@example.test\0wrong") + "\"");
    c.expect("NO \"Authentication failed\"");
    c.send("AUTHENTICATE \"PLAIN\"");
    c.readLine();
    c.send("\"*\"").expect("NO \"Authentication aborted\"");
    assertThat(c.plain("nobody@example.test", "x")).isEqualTo("NO \"Authentication failed\"");
    assertThat(c.plain(ManageSieveTestServer.ALICE, "nope")).startsWith("BYE ");
    assertThat(c.closedByServer()).isTrue();
  }

  @Test
  void plainAsALiteralAndAnotherAuthorizationIdentity() throws Exception {
    SieveClient c = server.connect().startTls();
    String ir = b64("carol@example.test\0alice@example.test\0pencil");
    c.send("AUTHENTICATE \"PLAIN\" \"" + ir + "\"").expect("NO \"Authentication failed\"");
    String good = b64("\0alice@example.test\0pencil");
    c.send("AUTHENTICATE {5+}\r\nPLAIN {" + good.length() + "+}\r\n" + good).expect("OK \"Logged in\"");
  }

  @Test
  void scramSha256SendsTheServerSignatureInTheOk() throws Exception {
    SieveClient c = server.connect().startTls();
    ScramClient scram = new ScramClient(ManageSieveTestServer.ALICE, ManageSieveTestServer.PASSWORD);
    c.send("AUTHENTICATE \"SCRAM-SHA-256\" \"" + b64(scram.clientFirst()) + "\"");
    String serverFirst = new String(Base64.getDecoder().decode(unquote(c.readLine())), StandardCharsets.UTF_8);
    c.send("\"" + b64(scram.clientFinal(serverFirst)) + "\"");
    String ok = c.expect("OK (SASL \"*\") \"Logged in\"");
    Matcher m = Pattern.compile("OK \\(SASL \"([^\"]+)\"\\)").matcher(ok);
    assertThat(m.find()).isTrue();
    assertThat(scram.verifyServer(new String(Base64.getDecoder().decode(m.group(1)), StandardCharsets.UTF_8))).isTrue();
    c.send("LISTSCRIPTS").expect("OK *");
  }

  @Test
  void scramWithAWrongPasswordFails() throws Exception {
    SieveClient c = server.connect().startTls();
    ScramClient scram = new ScramClient(ManageSieveTestServer.ALICE, "crayon");
    c.send("AUTHENTICATE \"SCRAM-SHA-256\"");
    assertThat(c.readLine()).isEqualTo("\"\"");
    c.send("\"" + b64(scram.clientFirst()) + "\"");
    String serverFirst = new String(Base64.getDecoder().decode(unquote(c.readLine())), StandardCharsets.UTF_8);
    c.send("\"" + b64(scram.clientFinal(serverFirst)) + "\"").expect("NO \"Authentication failed\"");
  }

  @Test
  void unknownMechanismAndUnauthenticate() throws Exception {
    SieveClient c = server.connect().startTls();
    c.send("AUTHENTICATE \"LOGIN\"").expect("NO *");
    assertThat(c.plain(ManageSieveTestServer.ALICE, ManageSieveTestServer.PASSWORD)).startsWith("OK");
    c.send("UNAUTHENTICATE").expect("OK *");
    c.send("LISTSCRIPTS").expect("NO \"LISTSCRIPTS needs authentication first\"");
    assertThat(c.plain("carol@example.test", "crayon")).startsWith("OK");
    c.send("LOGOUT").expect("OK \"Logout completed\"");
    assertThat(c.closedByServer()).isTrue();
  }

  @Test
  void anAddressWithTooManyFailuresIsNotAskedAgain(@TempDir Path dir) throws Exception {
    try (ManageSieveTestServer strict = ManageSieveTestServer.create()
        .settings(s -> s.withLoopbackIsSecure(true)).throttle(new AuthThrottle(1, Duration.ofMinutes(15),
            java.time.Clock.systemUTC(), d -> {}))) {
      strict.startIn(dir);
      SieveClient c = strict.connect();
      assertThat(c.plain(ManageSieveTestServer.ALICE, "wrong")).isEqualTo("NO \"Authentication failed\"");
      assertThat(c.plain(ManageSieveTestServer.ALICE, ManageSieveTestServer.PASSWORD))
          .isEqualTo("BYE (TRYLATER) \"Too many failed logins from your address; try again later\"");
      assertThat(c.closedByServer()).isTrue();
    }
  }

  private static String unquote(String s) {
    assertThat(s).startsWith("\"").endsWith("\"");
    return s.substring(1, s.length() - 1);
  }
}
