package dev.postamt.archive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.admin.Admin;
import dev.postamt.cli.Main;
import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Messages sent to a running server are journalled with their envelope before the 250, received and
 * submitted alike; {@code postamt archive search|export|verify|audit} find, export and check them; and
 * a journal that cannot be written makes the server answer 451, the message not accepted.
 */
class JournalServerTest {
  @TempDir Path dir;

  static TestServer server(Path dir) throws Exception {
    Files.writeString(Files.createDirectories(dir).resolve("zone.txt"), "remote.example. MX 10 nohost.remote.example.\n");
    return TestServer.start(dir, "[relay]\nnetworks = []\n[archive]\njournal = true\n");
  }

  static final String INBOUND = "From: <sender@remote.example>\r\nTo: <bob@example.test>\r\nSubject: Quarterly numbers\r\n"
      + "Message-ID: <q1@remote.example>\r\n\r\nFrom the start, the numbers look good.\r\n>From quoted\r\n";

  static String inbound(TestServer t, String message) throws Exception {
    try (SmtpScript s = SmtpScript.connect(t.port("smtp"))) {
      s.expect("220 *");
      s.send("EHLO client.example").read();
      s.send("MAIL FROM:<sender@remote.example>").expect("250 *");
      s.send("RCPT TO:<bob@example.test>").expect("250 *");
      s.send("RCPT TO:<alice@example.test>").expect("250 *");
      s.send("DATA").expect("354 *");
      s.raw(message + ".\r\n");
      return s.read().getLast();
    }
  }

  static String submitted(TestServer t) throws Exception {
    try (SmtpScript s = SmtpScript.connectTls(t.port("smtps"))) {
      s.expect("220 *");
      s.send("EHLO laptop.example").read();
      String auth = Base64.getEncoder().encodeToString("\0alice@example.test\0secret".getBytes(StandardCharsets.UTF_8));
      s.send("AUTH PLAIN " + auth).expect("235 *");
      s.send("MAIL FROM:<alice@example.test>").expect("250 *");
      s.send("RCPT TO:<bob@example.test>").expect("250 *");
      s.send("DATA").expect("354 *");
      s.raw("From: <alice@example.test>\r\nSubject: Lunch\r\nMessage-ID: <lunch@example.test>\r\n\r\nAt noon?\r\n.\r\n");
      return s.read().getLast();
    }
  }

  static String queueId(String reply) {
    assertThat(reply).startsWith("250 2.0.0 Ok: queued as ");
    return reply.substring("250 2.0.0 Ok: queued as ".length()).strip();
  }

  record Run(int status, String out, String err) {}

  static Run cli(TestServer t, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--config", t.dir.resolve("postamt.toml").toString()));
    int status;
    try (PrintWriter o = new PrintWriter(out, true); PrintWriter e = new PrintWriter(err, true)) {
      status = Main.run(o, e, all.toArray(String[]::new));
    }
    return new Run(status, out.toString(), err.toString());
  }

  @Test
  void receivedAndSubmittedMailIsJournalledWithItsEnvelopeAndFoundSearchedExportedAndVerified() throws Exception {
    try (TestServer t = server(dir)) {
      String in = queueId(inbound(t, INBOUND));
      String out = queueId(submitted(t));

      ArchiveQuery all = ArchiveQuery.ALL;
      List<ArchivedMessage> found = new Admin(t.config).archive().search(all, "test");
      assertThat(found).hasSize(2);
      ArchivedMessage m1 = found.get(0), m2 = found.get(1);
      assertThat(m1.queueId()).isEqualTo(in);
      assertThat(m1.sender()).isEqualTo("sender@remote.example");
      assertThat(m1.recipients()).containsExactly("bob@example.test", "alice@example.test");
      assertThat(m1.client()).isEqualTo("127.0.0.1");
      assertThat(m1.helo()).isEqualTo("client.example");
      assertThat(m1.authUser()).isEmpty();
      assertThat(m1.direction()).isEqualTo("in");
      assertThat(m1.subject()).isEqualTo("Quarterly numbers");
      assertThat(m1.messageId()).isEqualTo("<q1@remote.example>");
      assertThat(m2.queueId()).isEqualTo(out);
      assertThat(m2.authUser()).isEqualTo("alice@example.test");
      assertThat(m2.direction()).isEqualTo("out");
      assertThat(m2.recipients()).containsExactly("bob@example.test");
      assertThat(m1.time()).isBeforeOrEqualTo(m2.time()).isBeforeOrEqualTo(Instant.now());

      // the stored copy is the message as received, our trace fields (Received:, Authentication-Results:) in front
      java.io.ByteArrayOutputStream copy = new java.io.ByteArrayOutputStream();
      try (JournalArchive a = JournalArchive.open(t.config.archive().dir())) {
        a.copy(m1, copy);
      }
      assertThat(copy.toString(StandardCharsets.UTF_8)).contains("\r\nReceived: from client.example ([127.0.0.1])")
          .contains("Authentication-Results: mx.example.test;").endsWith("\r\n" + INBOUND);

      // the search filters
      assertThat(search(t, "quarterly")).containsExactly(in);
      assertThat(search(t, "", "--from", "sender@remote.example")).containsExactly(in);
      assertThat(search(t, "", "--from", "example.test")).containsExactly(out);
      assertThat(search(t, "", "--to", "alice@example.test")).containsExactly(in);
      assertThat(search(t, "", "--to", "example.test")).containsExactly(in, out);
      assertThat(search(t, "", "--domain", "remote.example")).containsExactly(in);
      assertThat(search(t, "lunch@example.test")).containsExactly(out);
      assertThat(search(t, "*", "--since", "1d")).containsExactly(in, out);
      assertThat(search(t, "", "--until", "2000-01-01")).isEmpty();
      assertThat(search(t, "nothing-like-this")).isEmpty();
      Run line = cli(t, "archive", "search", "quarterly");
      assertThat(line.out()).contains(in + "  from=<sender@remote.example>  to=<bob@example.test>,<alice@example.test>"
          + "  subject=\"Quarterly numbers\"  id=<q1@remote.example>");
      Run bad = cli(t, "archive", "search", "x", "--since", "yesterday");
      assertThat(bad.status()).isNotZero();
      assertThat(bad.err()).startsWith("postamt: --since \"yesterday\"").doesNotContain("Exception");

      // export: a valid mboxrd file with both messages
      Path mbox = dir.resolve("out.mbox");
      Run exported = cli(t, "archive", "export", "", "--domain", "example.test", "--mbox", mbox.toString());
      assertThat(exported.status()).as(exported.err()).isZero();
      assertThat(exported.out()).contains("Exported 2 messages");
      List<String> lines = Files.readAllLines(mbox, StandardCharsets.UTF_8);
      assertThat(lines.stream().filter(l -> l.startsWith("From "))).hasSize(2)
          .allMatch(l -> l.matches("From \\S+ \\w{3} \\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}"));
      assertThat(lines).contains(">From the start, the numbers look good.", ">>From quoted", "Subject: Lunch")
          .noneMatch(l -> l.endsWith("\r"));
      assertThat(String.join("\n", lines)).contains("rcpt=<bob@example.test>,<alice@example.test>");
      assertThat(lines.getLast()).isEmpty();

      Run verify = cli(t, "archive", "verify");
      assertThat(verify.status()).as(verify.err()).isZero();
      assertThat(verify.out()).contains("Journal intact: 2 record(s)");

      Run audit = cli(t, "archive", "audit");
      assertThat(audit.status()).isZero();
      assertThat(audit.out()).contains(" search \"quarterly\" results=1").contains(" export \"\" --domain example.test to ")
          .contains(" verify intact");
    }
  }

  private List<String> search(TestServer t, String text, String... options) {
    List<String> args = new ArrayList<>(List.of("archive", "search", text));
    args.addAll(List.of(options));
    Run r = cli(t, args.toArray(String[]::new));
    assertThat(r.status()).as(r.err()).isZero();
    return r.out().lines().filter(l -> !l.startsWith("--")).map(l -> l.split("\\s+")[1]).toList();
  }

  @Test
  void aMessageTakenIntoQuarantineIsJournalledToo() throws Exception {
    Files.writeString(Files.createDirectories(dir).resolve("zone.txt"), "remote.example. MX 10 nohost.remote.example.\n");
    try (TestServer t = TestServer.start(dir, "[relay]\nnetworks = []\n[archive]\njournal = true\n[spam]\nquarantine = 1.0\n")) {
      String reply = inbound(t, INBOUND);
      assertThat(reply).matches("250 2\\.0\\.0 Ok: \\S+ held.*");
      assertThat(new Admin(t.config).archive().search(ArchiveQuery.ALL, "test")).singleElement().satisfies(m -> {
        assertThat(m.subject()).isEqualTo("Quarterly numbers");
        assertThat(m.recipients()).containsExactly("bob@example.test", "alice@example.test");
      });
    }
  }

  @Test
  void aJournalThatCannotBeWrittenMeans451AndTheMessageIsNotAccepted() throws Exception {
    try (TestServer t = server(dir)) {
      // where the first segment would go, a directory: the journal cannot create its file
      Path segments = t.config.archive().dir().resolve("segments");
      Instant now = Instant.now();
      List<Path> blocks = new ArrayList<>();
      for (Instant day : List.of(now, now.plusSeconds(86_400))) {
        blocks.add(Files.createDirectories(segments.resolve(Segments.day(day) + "-0001.journal")));
      }
      assertThat(inbound(t, INBOUND)).startsWith("451 4.3.0");
      assertThat(t.messages("bob@example.test")).isEmpty();
      assertThat(Files.list(t.config.dataDir().resolve("queue").resolve("active")).toList()).isEmpty();

      for (Path b : blocks) {
        Files.delete(b);
      }
      String id = queueId(inbound(t, INBOUND));
      assertThat(new Admin(t.config).archive().search(ArchiveQuery.ALL, "test")).singleElement()
          .satisfies(m -> assertThat(m.queueId()).isEqualTo(id));
      assertThat(t.awaitMessages("bob@example.test", 1)).hasSize(1);
    }
  }
}
