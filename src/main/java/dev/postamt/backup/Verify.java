package dev.postamt.backup;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code postamt backup verify PATH}: every file of a snapshot (or of every snapshot in PATH) re-hashed. */
public final class Verify {
  /** One snapshot checked: its files, and the first bad one as {@code path: reason}. */
  public record Result(Path snapshot, int files, Optional<String> firstBad) {}

  private Verify() {}

  /** Checks PATH when it is a snapshot, else each finished snapshot in it, oldest first. */
  public static List<Result> run(Path path) throws IOException {
    List<Path> snaps = Snapshots.isSnapshot(path) ? List.of(path) : Snapshots.finished(path);
    if (snaps.isEmpty()) {
      Snapshots.resolve(path); // throws the reason
    }
    List<Result> out = new ArrayList<>();
    for (Path s : snaps) {
      Manifest m = Manifest.read(s).orElseThrow();
      out.add(new Result(s, m.entries.size(), m.firstBad(s)));
    }
    return out;
  }
}
