package dev.postamt.smtp;

import dev.postamt.directory.Directory;
import java.io.IOException;

/**
 * Runs one SMTP step (a MAIL or RCPT command, the end of a message) as one decision of the directory
 * ({@link Directory#oneLook}): its cached lookups ask {@code directory.db} for another process's changes
 * once, not before every negative answer.
 */
final class OneLook {
  private OneLook() {}

  /** A step with the exceptions of the session's commands. */
  @FunctionalInterface
  interface Step {
    void run() throws SmtpException, IOException;
  }

  static void run(Step step) throws SmtpException, IOException {
    try {
      Directory.oneLook(() -> {
        step.run();
        return null;
      });
    } catch (SmtpException | IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e); // Step throws nothing else
    }
  }
}
