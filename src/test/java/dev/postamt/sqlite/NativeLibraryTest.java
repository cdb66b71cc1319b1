package dev.postamt.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SQLite's native library is extracted into data_dir once and reused by later starts (issue 27). */
class NativeLibraryTest {
  @TempDir Path dataDir;

  @Test
  void extractsTheJarsLibraryOnceAndKeepsIt() throws Exception {
    Path lib = NativeLibrary.keptCopy(dataDir).orElseThrow();
    assertThat(lib).startsWith(dataDir.toAbsolutePath().resolve("cache"));
    assertThat(lib.getParent().getFileName().toString()).isEqualTo(NativeLibrary.folderName());
    String resource = org.sqlite.util.LibraryLoaderUtil.getNativeLibResourcePath() + "/" + lib.getFileName();
    try (InputStream in = org.sqlite.SQLiteJDBCLoader.class.getResourceAsStream(resource)) {
      assertThat(in).as(resource).isNotNull();
      assertThat(Files.readAllBytes(lib)).as("the jar's own library, whole").isEqualTo(in.readAllBytes());
    }
    try (var left = Files.list(lib.getParent())) {
      assertThat(left).as("no temporary file left").containsExactly(lib);
    }

    FileTime marked = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));
    Files.setLastModifiedTime(lib, marked);
    assertThat(NativeLibrary.keptCopy(dataDir)).contains(lib);
    assertThat(Files.getLastModifiedTime(lib)).as("a second start does not write it again").isEqualTo(marked);
  }

  @Test
  void removesTheCopyOfAnEarlierVersionWhenItExtractsANewOne() throws Exception {
    Path old = dataDir.resolve("cache").resolve("sqlite-3.0.0.0-linux-amd64");
    Files.createDirectories(old);
    Files.writeString(old.resolve("libsqlitejdbc.so"), "old");
    Path unrelated = Files.createDirectories(dataDir.resolve("cache").resolve("other"));

    Path lib = NativeLibrary.keptCopy(dataDir).orElseThrow();
    assertThat(lib).exists();
    assertThat(old).doesNotExist();
    assertThat(unrelated).exists();
  }

  @Test
  void noKeptCopyWhenTheDataDirectoryCannotHoldOne() throws Exception {
    Path file = Files.writeString(dataDir.resolve("cache"), "a file where the directory would be");
    assertThat(NativeLibrary.keptCopy(dataDir)).isEmpty();
    assertThat(file).hasContent("a file where the directory would be");
  }
}
