package dev.postamt.sqlite;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SQLite's native library from a copy kept under {@code data_dir}, instead of the copy sqlite-jdbc
 * extracts into the temporary directory at every start (issue 27, start to banner). sqlite-jdbc by itself
 * works out the platform (listing the process's mapped files to tell musl from glibc), writes its 1 MiB
 * library under a fresh random name in {@code java.io.tmpdir}, reads it back to compare it with the jar's
 * copy and only then loads it: ~100 ms of the first SQLite connection, and a file per start left in
 * {@code /tmp} when the process is killed. Here the library is extracted once, into {@code
 * data_dir/cache/sqlite-VERSION-OS-ARCH/}, and later starts hand that path to sqlite-jdbc ({@code
 * org.sqlite.lib.path} and {@code org.sqlite.lib.name}).
 *
 * <p>Nothing depends on it: when the copy cannot be written, or the system refuses to load it (a data
 * directory on a {@code noexec} mount), sqlite-jdbc goes on to its own extraction as before. An operator's
 * own {@code -Dorg.sqlite.lib.path} wins.
 */
public final class NativeLibrary {
  private static final Logger log = LoggerFactory.getLogger(NativeLibrary.class);
  static final String PATH_PROPERTY = "org.sqlite.lib.path";
  static final String NAME_PROPERTY = "org.sqlite.lib.name";

  private NativeLibrary() {}

  /**
   * Points sqlite-jdbc at the kept copy under {@code dataDir}, extracting it first when it is not there
   * yet. Call before the process's first SQLite connection; later calls change nothing once sqlite-jdbc
   * has loaded its library.
   */
  public static void useKeptCopy(Path dataDir) {
    if (System.getProperty(PATH_PROPERTY) != null) {
      return; // the operator's choice
    }
    keptCopy(dataDir).ifPresent(lib -> {
      System.setProperty(PATH_PROPERTY, lib.getParent().toString());
      System.setProperty(NAME_PROPERTY, lib.getFileName().toString());
    });
  }

  /**
   * The library kept under {@code dataDir}, extracted from the jar first when it is not there; empty when
   * it cannot be written or the jar has none for this platform.
   */
  static java.util.Optional<Path> keptCopy(Path dataDir) {
    String name = System.mapLibraryName("sqlitejdbc");
    if (name.endsWith(".dylib")) {
      name = name.replace(".dylib", ".jnilib"); // sqlite-jdbc's name on macOS
    }
    Path cache = dataDir.toAbsolutePath().resolve("cache");
    Path dir = cache.resolve(folderName());
    Path lib = dir.resolve(name);
    try {
      if (!Files.isRegularFile(lib)) {
        if (!extract(dir, lib, name)) {
          return java.util.Optional.empty();
        }
        removeOtherVersions(cache, dir.getFileName().toString());
      }
      return java.util.Optional.of(lib);
    } catch (IOException | RuntimeException e) {
      log.debug("SQLite's native library: no kept copy in {} ({}), sqlite-jdbc extracts its own", dir, e.toString());
      return java.util.Optional.empty();
    }
  }

  /** {@code sqlite-3.50.3.0-linux-amd64}: a new sqlite-jdbc, another system or machine gets a copy of its own. */
  static String folderName() {
    String version = org.sqlite.SQLiteJDBCLoader.getVersion();
    return ("sqlite-" + version + "-" + System.getProperty("os.name") + "-" + System.getProperty("os.arch"))
        .toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "_");
  }

  /** Writes the jar's library for this platform to {@code lib} (whole, synced, then renamed); false when the jar has none. */
  private static boolean extract(Path dir, Path lib, String name) throws IOException {
    String resource = org.sqlite.util.LibraryLoaderUtil.getNativeLibResourcePath() + "/" + name;
    try (InputStream in = org.sqlite.SQLiteJDBCLoader.class.getResourceAsStream(resource)) {
      if (in == null) {
        return false; // no bundled library for this platform: sqlite-jdbc looks on java.library.path
      }
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, name, ".tmp");
      try {
        try (OutputStream out = Files.newOutputStream(tmp)) {
          in.transferTo(out);
        }
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
          ch.force(true); // a crash must not leave a truncated library under the final name
        }
        Files.move(tmp, lib, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
    log.debug("SQLite's native library kept in {}", lib);
    return true;
  }

  /** The copies of earlier sqlite-jdbc versions (after an upgrade): no longer loaded. */
  private static void removeOtherVersions(Path cache, String keep) {
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(cache, "sqlite-*")) {
      for (Path d : dirs) {
        if (!d.getFileName().toString().equals(keep) && Files.isDirectory(d)) {
          try (DirectoryStream<Path> files = Files.newDirectoryStream(d)) {
            for (Path f : files) {
              Files.deleteIfExists(f);
            }
          }
          Files.deleteIfExists(d);
        }
      }
    } catch (IOException e) {
      log.debug("cannot remove old SQLite libraries from {}: {}", cache, e.toString());
    }
  }
}
