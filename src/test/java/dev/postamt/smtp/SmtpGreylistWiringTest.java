package dev.postamt.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.policy.SqliteGreylistStore;
import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server as started from its config: greylisting off by default (no state file), on after a
 * reload that enables it, its state in {@code data_dir/greylist.db}.
 */
class SmtpGreylistWiringTest {
  @TempDir Path dir;

  private static void attempt(TestServer t, String service, String expected) throws Exception {
    try (SmtpScript s = t.smtp(service)) {
      s.send("EHLO mail.sender.example").expect("250 *");
      s.send("MAIL FROM:<a@sender.example>").expect("250 *");
      s.send("RCPT TO:<bob@example.test>").expect(expected);
    }
  }

  @Test
  void greylistingStartsWithAReloadAndKeepsItsStateInTheDataDirectory() throws Exception {
    Files.writeString(dir.resolve("zone.txt"), "sender.example. MX 10 mx.sender.example.\n");
    try (TestServer t = TestServer.start(dir, "[relay]\nnetworks = []\n")) {
      attempt(t, "smtp", "250 2.1.5 *");
      Path db = t.config.dataDir().resolve(SqliteGreylistStore.FILE_NAME);
      assertThat(db).doesNotExist();

      Path cfg = dir.resolve("postamt.toml");
      Files.writeString(cfg, Files.readString(cfg) + "[greylist]\nenabled = true\n");
      assertThat(t.server.reload()).anySatisfy(l -> assertThat(l).contains("greylist"));
      attempt(t, "smtp", "450 4.2.0 <bob@example.test>: Recipient address rejected: Greylisted*");
      assertThat(db).exists();
    }
  }
}
