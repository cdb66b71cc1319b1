package dev.postamt.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The progress file survives a restart and a torn last write; a new UIDVALIDITY starts the folder afresh. */
class MigrationStateTest {
  @TempDir Path tmp;

  @Test
  void progressIsKeptPerBatchAndATornLineIsIgnored() throws Exception {
    Path f = tmp.resolve("m/x.state");
    MigrationState s = MigrationState.load(f);
    s.start("Sent Items", 7, 100);
    s.copied("Sent Items", Map.of(1L, 10L, 2L, 11L));
    Files.writeString(f, "C Sent+Items 3", StandardOpenOption.APPEND); // a crash in the middle of a batch's line

    MigrationState again = MigrationState.load(f);
    assertThat(again.folders.get("Sent Items").copied).containsExactlyInAnyOrderEntriesOf(Map.of(1L, 10L, 2L, 11L));
    assertThat(again.folders.get("Sent Items").sourceUidValidity).isEqualTo(7);
    assertThat(again.folders.get("Sent Items").targetUidValidity).isEqualTo(100);

    again.start("Sent Items", 8, 100);
    assertThat(MigrationState.load(f).folders.get("Sent Items").copied).isEmpty();
  }

  @Test
  void modifiedUtf7NamesAreDecoded() {
    assertThat(ImapMigration.decodeModifiedUtf7("&AMQ-rchiv")).isEqualTo("Ärchiv");
    assertThat(ImapMigration.decodeModifiedUtf7("Tom &- Jerry")).isEqualTo("Tom & Jerry");
    assertThat(ImapMigration.decodeModifiedUtf7("&ZeVnLIqe-")).isEqualTo("日本語");
  }
}
