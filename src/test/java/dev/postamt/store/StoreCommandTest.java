package dev.postamt.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code postamt store reindex} rebuilds a lost index from the Maildir files. */
class StoreCommandTest {
  @TempDir Path dir;

  @Test
  void reindexAfterLosingTheIndex() throws Exception {
    Path cfg = dir.resolve("postamt.toml");
    Files.writeString(cfg, "hostname = \"mx.example.test\"\ndata_dir = \"data\"\n");
    Path data = dir.resolve("data");
    try (MailStore store = new SqliteMailStore(data); Account a = store.open("carol@example.test")) {
      StoreTesting.append(a, "INBOX", "Subject: a\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII), Set.of("\\Seen"), 1);
      StoreTesting.append(a, "Sent", "Subject: b\r\n\r\ny\r\n".getBytes(StandardCharsets.US_ASCII), Set.of(), 1);
    }
    Path home = MailboxLayout.home(data, "carol@example.test");
    for (String f : new String[] {"index.db", "index.db-wal", "index.db-shm"}) {
      Files.deleteIfExists(home.resolve(f));
    }
    java.io.StringWriter out = new java.io.StringWriter();
    int rc =
        Main.run(
            new java.io.PrintWriter(out, true),
            new java.io.PrintWriter(new java.io.StringWriter(), true),
            "store", "reindex", "carol@example.test", "--config", cfg.toString());
    assertThat(rc).isZero();
    assertThat(out.toString())
        .containsPattern("INBOX +messages 1 unseen 0")
        .containsPattern("Sent +messages 1 unseen 1");
    assertThat(Main.run("store", "reindex", "nobody@example.test", "--config", cfg.toString())).isNotZero();
  }
}
