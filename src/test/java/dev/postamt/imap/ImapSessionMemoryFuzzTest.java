package dev.postamt.imap;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.postamt.store.MailStore;
import dev.postamt.testing.SessionFuzz;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Whole IMAP sessions before login on fuzzer-chosen bytes around a large filler ({@link SessionFuzz}):
 * whatever is sent, the session must end cleanly and allocate no more than a multiple of the bytes
 * the fuzzer chose plus a constant, never in proportion to the filler (up to 32 MiB): nothing an
 * unauthenticated client sends may be buffered whole. Seeds in {@code ImapSessionMemoryFuzzTestInputs}
 * cover the literal, line and SASL paths.
 */
class ImapSessionMemoryFuzzTest {
  static final long MAX_FILLER = 32L << 20;
  static final long CONSTANT = 16L << 20;

  @FuzzTest(maxDuration = "60s")
  void unauthenticatedSessionStaysSmall(byte[] data) throws Exception {
    SessionFuzz.Input input = SessionFuzz.Input.parse(data, MAX_FILLER);
    Path dir = Files.createTempDirectory("imapmem");
    try (MailStore store = new dev.postamt.store.SqliteMailStore(dir)) {
      Sink out = new Sink();
      ImapTransport t = ImapSessionFuzzTest.transport(input.stream(), out);
      ImapSettings settings = ImapSettings.defaults("fuzz", 50L << 20);
      settings = new ImapSettings("fuzz", settings.maxLine(), settings.maxLiteral(), settings.idleTimeout(),
          settings.loginTimeout(), 20, true, false, Duration.ZERO, 3);
      ImapSession session = new ImapSession(t, settings, store, (u, p) -> Optional.empty());
      long before = SessionFuzz.allocated();
      session.run();
      long used = SessionFuzz.allocated() - before;
      assertThat(out.text()).as(input.toString()).doesNotContain("SERVERBUG");
      assertThat(used).as("bytes allocated for %s", input).isLessThan(512 * input.chosen() + CONSTANT);
    } finally {
      ImapSessionFuzzTest.deleteTree(dir);
    }
  }

  /** Keeps the first 64 KiB of what the server writes, in a buffer allocated up front. */
  static final class Sink extends OutputStream {
    private final byte[] kept = new byte[64 * 1024];
    private int n;

    @Override
    public void write(int b) {
      if (n < kept.length) {
        kept[n++] = (byte) b;
      }
    }

    @Override
    public void write(byte[] b, int off, int len) {
      int take = Math.min(len, kept.length - n);
      System.arraycopy(b, off, kept, n, take);
      n += take;
    }

    String text() {
      return new String(kept, 0, n, StandardCharsets.ISO_8859_1);
    }
  }
}
