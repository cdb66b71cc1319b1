package dev.postamt.upgrade;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/** {@code data_dir/VERSION}: the Postamt version that last opened the data directory. */
public final class DataDirVersion {
  static final String FILE = "VERSION";

  private DataDirVersion() {}

  /** This build's version, from the jar manifest as {@code postamt --version} prints it; "dev" from classes. */
  public static String current() {
    String v = DataDirVersion.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /** The recorded version, or empty when the data directory has no (or an empty) {@code VERSION}. */
  public static Optional<String> read(Path dataDir) throws IOException {
    Path f = dataDir.resolve(FILE);
    if (!Files.isRegularFile(f)) {
      return Optional.empty();
    }
    String v = Files.readString(f, StandardCharsets.UTF_8).strip();
    return v.isEmpty() ? Optional.empty() : Optional.of(v);
  }

  /** Replaces {@code VERSION} atomically (temp file, fsync, rename). */
  static void write(Path dataDir, String version) throws IOException {
    Path tmp = dataDir.resolve(FILE + ".tmp");
    Files.writeString(tmp, version + "\n", StandardCharsets.UTF_8);
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    Files.move(tmp, dataDir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
