package dev.postamt.directory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The directory contracts on SQLite ({@code data_dir/directory.db}), and what only the file has. */
class DirectoryTest implements DirectoryContract, DirectorySecurityContract {
  @Override
  public Directory open(Path data) throws Exception {
    return Directory.open(data);
  }

  @Override
  public String storedPassword(Path data, String address) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve(Directory.FILE_NAME));
        PreparedStatement ps = c.prepareStatement("SELECT password FROM users WHERE address = ?")) {
      ps.setString(1, address);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).as("a row for " + address).isTrue();
        return rs.getString(1);
      }
    }
  }

  @Test
  void createsTheDatabaseInWalModeReadableByOwnerOnly(@TempDir Path data) throws Exception {
    try (Directory dir = Directory.open(data)) {
      Path db = data.resolve("directory.db");
      assertThat(dir.file()).isEqualTo(db);
      assertThat(db).exists();
      dir.addDomain("example.test");
      assertThat(data.resolve("directory.db-wal")).exists();
      assertThat(Files.getPosixFilePermissions(db))
          .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    }
  }

  @Test
  void aConfigWithoutDatabaseUrlOpensTheFileInDataDir(@TempDir Path dir) throws Exception {
    Path toml = dir.resolve("postamt.toml");
    Files.writeString(toml, "hostname = \"mx.example.test\"\ndata_dir = \"" + dir.resolve("data") + "\"\n");
    try (Directory d = Directory.open(Config.load(toml, true))) {
      d.addDomain("example.test");
      assertThat(d.file()).isEqualTo(dir.resolve("data").resolve(Directory.FILE_NAME));
    }
    try (Directory d = Directory.open(dir.resolve("data"))) {
      assertThat(d.domains()).containsExactly("example.test");
    }
  }
}
