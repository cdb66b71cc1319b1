package dev.postamt.jmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.postamt.imap.ImapClient;
import dev.postamt.jmap.json.Json;
import dev.postamt.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Interoperability with jmap-jam, a JMAP client library for Node.js that no one here wrote: it reads
 * the session, lists mailboxes, queries and reads mail with a back-reference and sets a keyword, which
 * IMAP then sees (FETCH FLAGS CHANGEDSINCE, RFC 7162); a flag set over IMAP then shows in its {@code
 * Email/changes}; and it sends a message (Email/set create, EmailSubmission/set with
 * onSuccessUpdateEmail) that reaches another user's INBOX. Skipped (with the reason)
 * when node or npm is missing or the package cannot be installed (offline); the package is installed
 * once per build into {@code target/jmap-jam}.
 */
class JmapJamInteropTest {
  static final String PACKAGE = "jmap-jam@0.13.1";
  static final Path DIR = Path.of("target", "jmap-jam").toAbsolutePath();

  @RegisterExtension static final TestServer t = TestServer.create().listen("https").user("jam").user("jamfriend");

  @BeforeAll
  static void install() throws Exception {
    assumeTrue(run(List.of("node", "--version"), 30).exit == 0, "node is not installed: jmap-jam interop skipped");
    if (!Files.isDirectory(DIR.resolve("node_modules/jmap-jam"))) {
      Files.createDirectories(DIR);
      Result npm = run(List.of("npm", "install", "--prefix", DIR.toString(), "--no-audit", "--no-fund", "--no-save", PACKAGE), 90);
      assumeTrue(npm.exit == 0, "cannot install " + PACKAGE + " with npm (offline?): " + npm.out);
    }
    try (InputStream in = JmapJamInteropTest.class.getResourceAsStream("jam-client.mjs")) {
      Files.copy(in, DIR.resolve("jam-client.mjs"), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  record Result(int exit, String out) {}

  static Result run(List<String> command, long seconds) throws IOException, InterruptedException {
    // output to a file, not a pipe: npm may leave a helper process holding the pipe open after it exits
    Path out = Files.createTempFile("jam-", ".out");
    try {
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      if (command.getFirst().equals("node")) { // not for npm: it would change how npm trusts its registry
        pb.environment().put("NODE_EXTRA_CA_CERTS", t.config.dataDir().resolve("tls/selfsigned.crt").toString());
      }
      pb.environment().put("NO_UPDATE_NOTIFIER", "1");
      Process p;
      try {
        p = pb.start();
      } catch (IOException e) {
        return new Result(-1, e.getMessage());
      }
      if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(-1, "timed out: " + Files.readString(out));
      }
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> jam(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("node", DIR.resolve("jam-client.mjs").toString(),
        "https://localhost:" + t.port("https"), "jam@example.test", TestServer.PASSWORD));
    cmd.addAll(List.of(args));
    Result r = run(cmd, 120);
    assertThat(r.exit).as(r.out).isZero();
    String last = r.out.strip().lines().reduce((a, b) -> b).orElse("");
    return (Map<String, Object>) Json.parse(last);
  }

  @Test
  void jmapJamReadsMailSetsAKeywordAndSeesImapChanges() throws Exception {
    JmapTest.appendTo(t, "jam", JmapTest.LUNCH, 1_700_000_000_000L, Set.of());
    JmapTest.appendTo(t, "jam", JmapTest.GREETING, 1_700_000_100_000L, Set.of());

    ImapClient first = t.imapLogin("jam@example.test");
    String status = String.join("\n", first.run("M STATUS INBOX (HIGHESTMODSEQ)", "M OK *"));
    long before = Long.parseLong(status.replaceAll("(?s).*HIGHESTMODSEQ (\\d+).*", "$1"));
    Map<String, Object> read = jam("read");
    assertThat(read).containsEntry("accountId", Ids.account("jam@example.test")).containsEntry("inboxTotal", 2L)
        .containsEntry("subjects", List.of("Lunch plans", "Grüße aus Bern"))
        .containsEntry("from", "carol@example.org").containsEntry("preview", "Shall we meet at noon?");
    String id = (String) read.get("id");
    assertThat(read).containsEntry("updated", List.of(id));

    ImapClient imap = t.imapLogin("jam@example.test");
    List<String> selected = imap.run("S SELECT INBOX (CONDSTORE)", "S OK *");
    assertThat(String.join("\n", selected)).contains("HIGHESTMODSEQ");
    assertThat(imap.run("F UID FETCH 1:* (FLAGS) (CHANGEDSINCE " + before + ")", "F OK *").stream()
        .filter(l -> l.startsWith("* ")).toList())
        .as("only the message jmap-jam marked has changed since")
        .singleElement().satisfies(l -> assertThat(l).startsWith("* 1 FETCH").contains("\\Seen").contains("MODSEQ"));
    imap.run("T STORE 1 +FLAGS (\\Flagged)", "T OK *");

    Map<String, Object> changes = jam("changes", (String) read.get("state"));
    assertThat(changes).containsEntry("updated", List.of(id))
        .containsEntry("keywords", List.of(List.of("$flagged", "$seen")));
  }

  @Test
  @SuppressWarnings("unchecked")
  void jmapJamSendsAMessageThatArrivesAndIsFiledInSent() throws Exception {
    Map<String, Object> sent = jam("send", "jamfriend@example.test", "Hello from jmap-jam");
    assertThat(sent).containsEntry("identity", "jam@example.test").containsEntry("submission", "final")
        .containsEntry("sentSubjects", List.of("Hello from jmap-jam"))
        .containsEntry("sentKeywords", List.of(List.of("$seen")));
    String arrived = t.awaitMessageContaining("jamfriend@example.test", "Sent with jmap-jam.");
    assertThat(arrived).contains("Subject: Hello from jmap-jam").contains("From: Jam Client <jam@example.test>");
  }
}
