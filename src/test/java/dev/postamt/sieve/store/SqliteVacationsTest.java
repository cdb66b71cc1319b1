package dev.postamt.sieve.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteVacationsTest implements VacationsContract {
  @TempDir Path dir;

  @Override
  public Vacations fresh() throws Exception {
    return SqliteVacations.open(dir);
  }

  @Test
  void aVersionOneFileKeepsItsVacationsThroughTheRename() throws Exception {
    try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(SqliteVacations.FILE_NAME));
        var st = c.createStatement()) {
      st.execute("CREATE TABLE vacations (user TEXT PRIMARY KEY, enabled INTEGER NOT NULL, from_date TEXT, to_date TEXT,"
          + " subject TEXT, text_body TEXT, html_body TEXT)");
      st.execute("INSERT INTO vacations(user, enabled, text_body) VALUES ('alice@example.test', 1, 'Away.')");
      st.execute("PRAGMA user_version = 1");
    }
    try (Vacations v = SqliteVacations.open(dir)) {
      assertThat(v.get("alice@example.test").textBody()).isEqualTo("Away.");
    }
  }

  @Test
  void aChangeThroughAnotherInstanceIsSeenAtTheNextRead() throws Exception {
    // the CLI and the running server each open the file: what the server keeps must not outlive the CLI's change
    try (Vacations cli = SqliteVacations.open(dir); Vacations server = SqliteVacations.open(dir)) {
      assertThat(server.get("alice@example.test").enabled()).isFalse();
      assertThat(server.get("alice@example.test").enabled()).isFalse();
      cli.set("alice@example.test", new Vacations.Vacation(true, null, null, "Away", "Back soon.", null));
      assertThat(server.get("alice@example.test").textBody()).isEqualTo("Back soon.");
      server.set("alice@example.test", new Vacations.Vacation(true, null, null, "Away", "Back on Monday.", null));
      assertThat(server.get("alice@example.test").textBody()).isEqualTo("Back on Monday.");
      assertThat(cli.get("alice@example.test").textBody()).isEqualTo("Back on Monday.");
    }
  }
}
