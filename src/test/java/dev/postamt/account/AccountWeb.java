package dev.postamt.account;

import dev.postamt.sieve.store.Vacations;
import dev.postamt.testing.TestServer;
import dev.postamt.web.WebServer;
import dev.postamt.web.WebSessionClient;
import dev.postamt.web.session.SqliteWebSessions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A second web listener on a {@link TestServer}'s store and directory that mounts an {@link AccountApp}
 * with the {@link Vacations} a test gives (the server's own listener has the store delivery reads).
 */
final class AccountWeb implements AutoCloseable {
  final WebServer web;
  final SqliteWebSessions sessions;
  final String base;

  AccountWeb(TestServer t, Vacations vacations) throws Exception {
    Path dir = Files.createTempDirectory(t.dir, "account-web");
    sessions = new SqliteWebSessions(dir.resolve("sessions.db"), Duration.ofHours(1), Duration.ofDays(1));
    AccountApp app = new AccountApp(t.config, t.server.directory(), sessions, t.server.sieveScripts(), vacations);
    web = WebServer.start(t.config, null, t.server.store(), t.server.directory(), t.server.directory(),
        t.server.authThrottle(), t.server.bans()::refusal, sessions, List.of(app));
    base = "http://127.0.0.1:" + web.address("http").orElseThrow().getPort();
  }

  /** A browser-like client of this listener, logged in as {@code user}. */
  WebSessionClient login(String user) throws Exception {
    WebSessionClient c = new WebSessionClient(base);
    if (c.login(user, TestServer.PASSWORD, null).statusCode() != 303) {
      throw new AssertionError("cannot log in as " + user);
    }
    return c;
  }

  @Override
  public void close() {
    web.close();
    sessions.close();
  }
}
