package dev.postamt.acme;

import dev.postamt.web.Exchange;
import dev.postamt.web.WebApp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code GET /.well-known/acme-challenge/TOKEN} (RFC 8555 §8.3): the key authorization of a pending
 * http-01 challenge, from {@code data_dir/acme/challenges/TOKEN}, as {@code application/octet-stream}.
 * Over plain http as well as https: the CA asks on port 80 (§8.3 allows no other) and follows no
 * redirect to https for a name whose certificate does not exist yet.
 */
public final class ChallengeApp implements WebApp {
  static final String PREFIX = "/.well-known/acme-challenge/";
  static final String DIRECTORY = "challenges";
  private final Path dir;

  public ChallengeApp(Path dataDir) {
    this.dir = dataDir.resolve("acme").resolve(DIRECTORY);
  }

  @Override
  public String prefix() {
    return PREFIX;
  }

  @Override
  public void handle(Exchange x) throws IOException {
    String token = x.path().substring(PREFIX.length());
    if (!x.method().equals("GET") && !x.method().equals("HEAD")) {
      x.problem(405, "use GET here");
      return;
    }
    Path file = dir.resolve(token);
    // §8.3: the token is base64url; anything else (a path, dots) never reaches the file system
    if (!token.matches("[A-Za-z0-9_-]{1,256}") || !Files.isRegularFile(file)) {
      x.problem(404, "no such ACME challenge");
      return;
    }
    x.send(200, "application/octet-stream", Files.readString(file, StandardCharsets.US_ASCII).getBytes(StandardCharsets.US_ASCII));
  }
}
