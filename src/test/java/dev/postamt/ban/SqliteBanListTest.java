package dev.postamt.ban;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteBanListTest implements BanListContract {
  @TempDir Path dir;

  @Override
  public BanList fresh() {
    return SqliteBanList.open(dir);
  }

  @Test
  void bansSurviveReopeningAndASecondWriterIsSeen() {
    BanList.Entry e = new BanList.Entry("192.0.2.9", T0, Optional.of(T0.plusSeconds(60)), "x", 2);
    try (SqliteBanList server = SqliteBanList.open(dir); SqliteBanList cli = SqliteBanList.open(dir)) {
      cli.put(e);
      assertThat(server.all()).containsExactly(e);
    }
    try (SqliteBanList again = SqliteBanList.open(dir)) {
      assertThat(again.all()).containsExactly(e);
    }
    assertThat(dir.resolve(SqliteBanList.FILE_NAME)).exists();
  }

  @Test
  void aFileThatIsNoDatabaseIsAOneLineFailureNamingIt() throws Exception {
    Files.writeString(dir.resolve(SqliteBanList.FILE_NAME), "not a database, just text that is long enough to be read");
    assertThatThrownBy(() -> SqliteBanList.open(dir))
        .isInstanceOf(BanList.Failure.class)
        .hasMessageContaining("bans.db");
  }
}
