package dev.postamt.pop3;

import dev.postamt.directory.Directory;
import dev.postamt.directory.LoginCheck;
import dev.postamt.net.AuthThrottle;
import dev.postamt.net.Connection;
import dev.postamt.net.ConnectionHandler;
import dev.postamt.config.Config;
import dev.postamt.store.MailStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The POP3 service: one {@link ConnectionHandler} for both the {@code pop3} listener (port 110, STLS
 * offered, authentication only after it) and the {@code pop3s} listener (port 995, implicit TLS, RFC
 * 8314). Use one instance for both, sharing the process's {@link MailStore}; each connection runs one
 * {@link Pop3Session} on its virtual thread.
 */
public final class Pop3Server implements ConnectionHandler {
  final MailStore store;
  final LoginCheck logins;
  final Pop3Settings settings;
  final AuthThrottle throttle;
  final MaildropLocks locks;

  /** A server with its own (generous) per-address failed-login count, for tests and embedding. */
  public Pop3Server(MailStore store, LoginCheck logins, Pop3Settings settings) {
    this(store, logins, settings, new AuthThrottle(1000, Duration.ofMinutes(15)));
  }

  /** @param throttle failed-login counts per client address, shared with the other listeners */
  public Pop3Server(MailStore store, LoginCheck logins, Pop3Settings settings, AuthThrottle throttle) {
    this(store, logins, settings, throttle, MaildropLocks.LOCAL);
  }

  /** @param locks where a session locks its maildrop (this process, or shared with other nodes) */
  Pop3Server(MailStore store, LoginCheck logins, Pop3Settings settings, AuthThrottle throttle, MaildropLocks locks) {
    this.store = store;
    this.logins = logins;
    this.settings = settings;
    this.throttle = throttle;
    this.locks = locks;
  }

  /**
   * Production wiring: passwords and SCRAM credentials from the directory; the idle timer is {@code limits.idle_timeout} but at
   * least 10 minutes (RFC 1939 §3); {@code limits.errors} and {@code limits.auth_failures} bound bad
   * commands and failed logins per session, and {@code throttle} ({@code limits.auth_failures_per_ip})
   * failed logins per client address across sessions and protocols. With {@code [database] url} set, maildrop
   * locks are shared with the other nodes of that database ({@link PgMaildropLocks}).
   */
  public static Pop3Server fromConfig(Config config, MailStore store, Directory directory, AuthThrottle throttle) {
    return new Pop3Server(
        store,
        directory,
        Pop3Settings.fromLimits(
            config.hostname(),
            config.limits().idleTimeout(),
            config.limits().errors(),
            config.limits().authFailures())
            .withCommandDeadline(config.limits().commandDeadline()),
        throttle,
        MaildropLocks.of(config));
  }

  @Override
  public void handle(Connection c) throws IOException {
    new Pop3Session(this, c).run();
  }

  @Override
  public String goodbye(Connection c, Goodbye why) {
    return why == Goodbye.KICK ? "-ERR Disconnected by the administrator" : "-ERR Server shutting down";
  }

  /** RFC 3206 §5: a full server is a temporary condition. */
  @Override
  public void refuse(Connection c, String reason) throws IOException {
    c.out().write(("-ERR [SYS/TEMP] " + reason + "; try again later\r\n").getBytes(StandardCharsets.US_ASCII));
    c.out().flush();
  }
}
