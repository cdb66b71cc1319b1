package dev.postamt.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What every test server shares ({@link TestServer}, and the IMAP and POP3 protocol test servers): it
 * runs in a directory of its own and closes with the clients it handed out. Each is also a JUnit 5
 * extension, which replaces the temp-dir, start and stop preamble of a test class:
 *
 * <pre>{@code
 * @RegisterExtension static final TestServer t = TestServer.create().toml("[limits]\nerrors = 5\n");
 * }</pre>
 *
 * <p>As a {@code static} field the server starts once before the first test of the class and stops
 * after the last; as an instance field it starts afresh before each test (in a fresh directory) and
 * stops after it. Started that way, its directory is a temp directory removed afterwards.
 */
public abstract class ServerFixture
    implements AutoCloseable, BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
  private final List<AutoCloseable> opened = new ArrayList<>();
  private boolean perClass;
  private Path tempDir;

  /** Starts the server with its data in {@code dir} (which exists). */
  protected abstract void startIn(Path dir) throws Exception;

  /** Stops the server; called once per start, after the clients are closed. */
  protected abstract void stop();

  /** Closes {@code client} when the server closes. */
  protected final <T extends AutoCloseable> T closeAfter(T client) {
    synchronized (opened) {
      opened.add(client);
    }
    return client;
  }

  @Override
  public final void close() {
    List<AutoCloseable> clients;
    synchronized (opened) {
      clients = List.copyOf(opened);
      opened.clear();
    }
    for (AutoCloseable c : clients.reversed()) {
      try {
        c.close();
      } catch (Exception e) {
        // a client the test already closed, or one the server dropped: nothing to clean up
      }
    }
    stop();
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    perClass = true; // only extensions in static fields are called before all tests
    startInTemp(context);
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    finish();
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    if (!perClass) {
      startInTemp(context);
    }
  }

  @Override
  public void afterEach(ExtensionContext context) throws IOException {
    if (!perClass) {
      finish();
    }
  }

  private void startInTemp(ExtensionContext context) throws Exception {
    tempDir = Files.createTempDirectory("postamt-" + context.getRequiredTestClass().getSimpleName() + "-");
    startIn(tempDir);
  }

  private void finish() throws IOException {
    try {
      close();
    } finally {
      Path d = tempDir;
      tempDir = null;
      if (d != null) {
        deleteTree(d);
      }
    }
  }

  /** Removes a directory tree, best effort: a file still open elsewhere must not fail the test. */
  public static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          // left behind in the temp directory
        }
      }
    }
  }
}
