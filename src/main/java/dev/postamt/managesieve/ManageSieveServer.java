package dev.postamt.managesieve;

import dev.postamt.config.Config;
import dev.postamt.directory.LoginCheck;
import dev.postamt.net.AuthThrottle;
import dev.postamt.net.Connection;
import dev.postamt.net.ConnectionHandler;
import dev.postamt.sieve.SieveCompiler;
import dev.postamt.sieve.ext.Extensions;
import dev.postamt.sieve.store.SieveScripts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The ManageSieve service (RFC 5804) on the {@code managesieve} listener (port 4190, STARTTLS): users
 * upload, check, list and activate their Sieve scripts. Each connection runs one {@link
 * ManageSieveSession} on its virtual thread; scripts go to and come from the shared {@link SieveScripts}.
 */
public final class ManageSieveServer implements ConnectionHandler {
  final SieveScripts scripts;
  final LoginCheck logins;
  final ManageSieveSettings settings;
  final AuthThrottle throttle;
  final SieveCompiler compiler;

  /** @param throttle failed-login counts per client address, shared with the other listeners */
  public ManageSieveServer(SieveScripts scripts, LoginCheck logins, ManageSieveSettings settings, AuthThrottle throttle) {
    this(scripts, logins, settings, throttle, Extensions.standardCompiler());
  }

  /** @param compiler checks uploaded scripts; its capabilities are the SIEVE capability */
  public ManageSieveServer(SieveScripts scripts, LoginCheck logins, ManageSieveSettings settings, AuthThrottle throttle,
      SieveCompiler compiler) {
    this.scripts = scripts;
    this.logins = logins;
    this.settings = settings;
    this.throttle = throttle != null ? throttle : new AuthThrottle(1000, Duration.ofMinutes(15));
    this.compiler = compiler;
  }

  /**
   * Production wiring: logins (passwords and SCRAM credentials) from the directory, {@code
   * limits.idle_timeout}, {@code limits.command_deadline}, {@code limits.errors} and {@code
   * limits.auth_failures}; authentication only under TLS or from loopback, as for IMAP.
   */
  public static ManageSieveServer fromConfig(Config config, SieveScripts scripts, LoginCheck logins, AuthThrottle throttle) {
    ManageSieveSettings d = ManageSieveSettings.defaults(config.hostname());
    ManageSieveSettings s = new ManageSieveSettings(d.hostname(), d.maxLine(), d.maxLiteralBeforeLogin(),
        config.limits().idleTimeout(), config.limits().commandDeadline(), config.limits().errors(),
        config.limits().authFailures(), d.authFailureDelay(), d.plaintextAuth(), d.loopbackIsSecure());
    return new ManageSieveServer(scripts, logins, s, throttle);
  }

  @Override
  public void handle(Connection c) throws IOException {
    new ManageSieveSession(this, c).run();
  }

  /** RFC 5804 §1.3: TRYLATER, the server is busy. */
  @Override
  public void refuse(Connection c, String reason) throws IOException {
    c.out().write(("BYE (TRYLATER) " + Responses.quote(reason) + "\r\n").getBytes(StandardCharsets.UTF_8));
    c.out().flush();
  }

  @Override
  public String goodbye(Connection c, Goodbye why) {
    return why == Goodbye.KICK
        ? "BYE \"Disconnected by the administrator\""
        : "BYE (TRYLATER) \"Server shutting down\"";
  }
}
