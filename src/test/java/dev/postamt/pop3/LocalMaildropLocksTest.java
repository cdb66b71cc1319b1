package dev.postamt.pop3;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The maildrop lock contract for one process ({@link MaildropLocks#LOCAL}). */
class LocalMaildropLocksTest implements MaildropLocksContract {
  @TempDir Path dir;

  @Override
  public MaildropLocks locks() {
    return MaildropLocks.LOCAL;
  }

  @Override
  public Path home(String user) {
    return dir.resolve(user);
  }
}
