package dev.postamt.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite greylist: the contract, plus state that survives a restart and a read-only view. */
class SqliteGreylistStoreTest implements GreylistStoreContract {
  @TempDir Path dir;
  private SqliteGreylistStore open;

  @Override
  public GreylistStore store() {
    open = SqliteGreylistStore.open(dir);
    return open;
  }

  @AfterEach
  void close() {
    if (open != null) {
      open.close();
    }
  }

  @Test
  void stateSurvivesARestartAndCanBeReadWithoutWriting() {
    try (SqliteGreylistStore s = SqliteGreylistStore.open(dir)) {
      s.start("net/a/b", T0);
      s.pass("net/a/b", "net", T0.plusSeconds(400));
    }
    try (SqliteGreylistStore ro = SqliteGreylistStore.openReadOnly(dir).orElseThrow()) {
      assertThat(ro.lookup("net/a/b", "net").clientPasses()).isEqualTo(1);
      assertThatThrownBy(() -> ro.start("net/x/y", T0)).isInstanceOf(GreylistStore.Failure.class);
    }
    try (SqliteGreylistStore again = SqliteGreylistStore.open(dir)) {
      assertThat(again.lookup("net/a/b", "net").triplet().orElseThrow().passed()).isTrue();
    }
  }

  @Test
  void noDatabaseNoReadOnlyViewAndNoFileMade(@TempDir Path empty) {
    assertThat(SqliteGreylistStore.openReadOnly(empty)).isEmpty();
    assertThat(Files.exists(empty.resolve(SqliteGreylistStore.FILE_NAME))).isFalse();
  }

  @Test
  void anUnopenableDatabaseIsAFailureNamingTheFile() throws Exception {
    Path blocked = dir.resolve("blocked");
    Files.createDirectories(blocked.resolve(SqliteGreylistStore.FILE_NAME)); // a directory where the file should be
    assertThatThrownBy(() -> SqliteGreylistStore.open(blocked))
        .isInstanceOf(GreylistStore.Failure.class)
        .hasMessageContaining("greylist.db");
  }
}
