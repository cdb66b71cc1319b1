package dev.postamt.testing;

import dev.postamt.directory.Directory;
import java.nio.file.Path;

/**
 * Opens the real directory a protocol test server checks logins against, in the server's own
 * directory when it starts; the server closes it when it stops. {@link ScramUsers#open} is one.
 */
@FunctionalInterface
public interface LoginDirectory {
  Directory open(Path dir) throws Exception;
}
