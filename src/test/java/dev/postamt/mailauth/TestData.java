package dev.postamt.mailauth;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** Test vectors kept as test resources under {@code dev/postamt/mailauth/}, as directories on disk. */
public final class TestData {
  private TestData() {}

  /** The resource directory {@code dev/postamt/mailauth/<relative>}. */
  public static Path dir(String relative) {
    URL u = TestData.class.getResource(relative);
    if (u == null) {
      throw new IllegalStateException("test resource dev/postamt/mailauth/" + relative + " missing");
    }
    try {
      return Path.of(u.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
