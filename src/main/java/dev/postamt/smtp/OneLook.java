package dev.postamt.smtp;

import dev.postamt.directory.Directory;
import java.io.IOException;

/**
 * Runs one SMTP step (a command, the end of a message) as one decision of the directory ({@link
 * Directory#oneLook}): its cached lookups ask {@code directory.db} for another process's changes once,
 * not before every negative answer. The end of a message is a step of its own inside the DATA or BDAT
 * command, so that its checks do not rely on a look taken before the message was sent.
 */
final class OneLook {
  private OneLook() {}

  /** A step with the exceptions of the session's commands. */
  @FunctionalInterface
  interface Step {
    void run() throws SmtpException, IOException;
  }

  /** A step with an answer. */
  @FunctionalInterface
  interface Call<T> {
    T call() throws SmtpException, IOException;
  }

  static void run(Step step) throws SmtpException, IOException {
    call(() -> {
      step.run();
      return null;
    });
  }

  static <T> T call(Call<T> step) throws SmtpException, IOException {
    try {
      return Directory.oneLook(step::call);
    } catch (SmtpException | IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e); // Call throws nothing else
    }
  }
}
