package dev.postamt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.quarantine.Quarantine;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code postamt quarantine list|show|release|delete} with no server running. */
class QuarantineCommandTest {
  @TempDir Path tmp;
  CliFixture cli;

  @BeforeEach
  void setUp() throws Exception {
    cli = new CliFixture(tmp);
  }

  private void hold(String id, String message) throws Exception {
    Quarantine.of(cli.data).store(new Quarantine.Entry(id, Instant.parse("2026-12-01T10:00:00Z"), "eve@remote.example",
        List.of("bob@mx.test"), "virus Test.Eicar in part 2 \"a.com\"", "hello", "192.0.2.9", "7BIT", false, 0),
        new ByteArrayInputStream(message.getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void listShowDelete() throws Exception {
    assertThat(cli.ok("quarantine", "list").out()).isEqualTo("Quarantine is empty\n");
    hold("Q1", "Subject: hello\r\n\r\nbody\r\n");
    List<String> list = cli.ok("quarantine", "list").lines();
    assertThat(list.getFirst()).startsWith("Q1 ").contains(" virus ").contains("from=<eve@remote.example> to=bob@mx.test")
        .endsWith("virus Test.Eicar in part 2 \"a.com\"");
    long days = java.time.Duration.between(Instant.parse("2026-12-01T10:00:00Z"), Instant.now()).toDays();
    assertThat(list.getFirst()).contains(" " + days + "d ");
    assertThat(list.getLast()).isEqualTo("-- 1 message held");
    assertThat(cli.ok("quarantine", "show", "Q1").lines())
        .contains("reason: virus Test.Eicar in part 2 \"a.com\"", "sender: eve@remote.example", "recipient: bob@mx.test",
            "Subject: hello", "body");
    assertThat(cli.ok("quarantine", "delete", "Q1").out()).isEqualTo("deleted Q1\n");
    assertThat(cli.ok("quarantine", "list").out()).isEqualTo("Quarantine is empty\n");
  }

  @Test
  void releaseQueuesTheMessageForItsRecipients() throws Exception {
    hold("Q2", "Subject: again\r\n\r\nbody\r\n");
    String out = cli.ok("quarantine", "release", "Q2").out();
    assertThat(out).startsWith("released Q2 to 1 recipient(s) as queue id ").endsWith(", delivered when the server starts\n");
    String queueId = out.split(" ")[8].replace(",", "");
    assertThat(Files.exists(cli.data.resolve("queue/active").resolve(queueId))).isTrue();
    assertThat(cli.ok("queue", "show", queueId).out())
        .contains("sender: eve@remote.example", "recipient: bob@mx.test", "X-Quarantine-Released: by postamt quarantine release at ",
            " (held for virus Test.Eicar in part 2 \"a.com\"; id Q2)", "Subject: again");
    assertThat(cli.ok("quarantine", "list").out()).isEqualTo("Quarantine is empty\n");
  }

  @Test
  void ageIsTheLargestWholeUnit() {
    assertThat(QuarantineCommand.age(java.time.Duration.ofSeconds(59))).isEqualTo("59s");
    assertThat(QuarantineCommand.age(java.time.Duration.ofMinutes(61))).isEqualTo("1h");
    assertThat(QuarantineCommand.age(java.time.Duration.ofHours(49))).isEqualTo("2d");
    assertThat(QuarantineCommand.age(java.time.Duration.ofSeconds(-5))).isEqualTo("0s");
  }

  @Test
  void unknownIdsAreOneLineErrors() {
    for (String verb : List.of("show", "release", "delete")) {
      CliFixture.Result r = cli.run("quarantine", verb, "NOPE");
      assertThat(r.status()).as(verb).isNotZero();
      assertThat(r.err()).as(verb).isEqualTo("postamt: quarantine: no message NOPE is held\n");
    }
    CliFixture.Result bad = cli.run("quarantine", "show", "../../etc/passwd");
    assertThat(bad.status()).isNotZero();
    assertThat(bad.err()).startsWith("postamt: quarantine: no message ");
  }
}
