package dev.postamt.testing;

import dev.postamt.directory.Directory;
import dev.postamt.directory.PasswordHash;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real directory the SCRAM tests of every protocol log in against: {@code alice@example.test}
 * (password {@code pencil}) has SCRAM credentials, {@code carol@example.test} ({@code crayon}) was added
 * with only a password hash, as an import from another server would be, and gets them at her first
 * plain login.
 */
public final class ScramUsers {
  private ScramUsers() {}

  /** Opens the directory in {@code dir/directory} with alice and carol (a {@link LoginDirectory}); the caller closes it. */
  public static Directory open(Path dir) throws Exception {
    Directory directory = Directory.open(Files.createDirectories(dir.resolve("directory")));
    directory.addDomain("example.test");
    directory.addUser("alice@example.test", "pencil".toCharArray());
    directory.addUserWithHash("carol@example.test", PasswordHash.hash("crayon".toCharArray()));
    return directory;
  }
}
