package dev.postamt.imap;

import dev.postamt.directory.Directory;
import dev.postamt.directory.LoginCheck;
import dev.postamt.net.AuthThrottle;
import dev.postamt.net.Connection;
import dev.postamt.net.ConnectionHandler;
import dev.postamt.config.Config;
import dev.postamt.store.MailStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The IMAP service: a {@link ConnectionHandler} for both the {@code imap} listener (STARTTLS,
 * LOGINDISABLED until TLS) and the {@code imaps} listener (implicit TLS). The listener gives each
 * connection its own virtual thread; this runs one {@link ImapSession} on it.
 */
public final class ImapServer implements ConnectionHandler {
  private final MailStore store;
  private final LoginCheck logins;
  private final ImapSettings settings;
  private final AuthThrottle throttle;
  private final Duration commandDeadline;
  private volatile JunkLearning junkLearning;

  public ImapServer(MailStore store, LoginCheck logins, ImapSettings settings) {
    this(store, logins, settings, null);
  }

  /** @param throttle failed-login counts per client address, shared with the other listeners; may be null */
  public ImapServer(MailStore store, LoginCheck logins, ImapSettings settings, AuthThrottle throttle) {
    this(store, logins, settings, throttle, Connection.DEFAULT_LINE_DEADLINE);
  }

  /** @param commandDeadline each line must arrive whole within this ({@code limits.command_deadline}) */
  public ImapServer(
      MailStore store, LoginCheck logins, ImapSettings settings, AuthThrottle throttle, Duration commandDeadline) {
    this.commandDeadline = commandDeadline;
    this.store = store;
    this.logins = logins;
    this.settings = settings;
    this.throttle = throttle;
  }

  /** Production wiring: limits from {@code [limits]}, passwords and SCRAM credentials from the directory. */
  public static ImapServer fromConfig(Config config, MailStore store, Directory directory, AuthThrottle throttle) {
    ImapSettings d = ImapSettings.defaults(config.hostname(), config.limits().messageSize());
    ImapSettings s = new ImapSettings(d.hostname(), d.maxLine(), d.maxLiteral(), d.idleTimeout(), d.loginTimeout(),
        config.limits().errors(), d.plaintextAuth(), d.loopbackIsSecure(), d.authFailureDelay(),
        config.limits().authFailures());
    return new ImapServer(store, directory, s, throttle, config.limits().commandDeadline());
  }

  /**
   * Deletes literal spill files a previous run left behind (a crash mid-APPEND). Call once at start,
   * before any session runs: a session of this run may be spilling into the same directory.
   */
  public static void deleteSpillLeftovers(MailStore store) {
    Literal.deleteLeftovers(ImapSession.spillDir(store));
  }

  @Override
  public void handle(Connection c) {
    c.setLineDeadline(commandDeadline);
    serve(new ConnectionTransport(c));
  }

  @Override
  public void refuse(Connection c, String reason) throws IOException {
    c.out().write(("* BYE " + reason + "\r\n").getBytes(StandardCharsets.US_ASCII));
    c.out().flush();
  }

  /** RFC 9051 §7.1.5: an untagged BYE, then the server closes. */
  @Override
  public String goodbye(Connection c, Goodbye why) {
    return why == Goodbye.KICK ? "* BYE Disconnected by the administrator" : "* BYE Server shutting down";
  }

  /** Has moves into and out of Junk learned as spam and ham (null: not). */
  public ImapServer learnFromJunk(JunkLearning learning) {
    this.junkLearning = learning;
    return this;
  }

  /** Runs one session to its end on the calling thread (tests call this with their own transport). */
  public void serve(ImapTransport t) {
    ImapSession session = new ImapSession(t, settings, store, logins, throttle);
    session.junkLearning = junkLearning;
    session.run();
  }

  /** {@link Connection} seen as an {@link ImapTransport}. */
  private record ConnectionTransport(Connection c) implements ImapTransport {
    @Override
    public InputStream in() {
      return c.in();
    }

    @Override
    public OutputStream out() {
      return c.out();
    }

    @Override
    public boolean isTls() {
      return c.isTls();
    }

    @Override
    public boolean canStartTls() {
      return c.canStartTls();
    }

    @Override
    public void startTls() throws IOException {
      c.startTls();
    }

    @Override
    public boolean canCompress() {
      return true;
    }

    @Override
    public void startCompression() throws IOException {
      c.compress();
    }

    @Override
    public void holdGoodbye(boolean on) {
      c.holdGoodbye(on);
    }

    @Override
    public void park() {
      c.park();
    }

    @Override
    public void writeAside(Connection.Write write) throws IOException {
      c.writeAside(write);
    }

    @Override
    public void loggedIn(String user) {
      c.loggedIn(user);
    }

    @Override
    public void setReadTimeout(Duration d) {
      c.setReadTimeout(d);
    }

    @Override
    public String remote() {
      return String.valueOf(c.remote());
    }

    @Override
    public java.net.InetAddress remoteAddress() {
      return c.remote() == null ? null : c.remote().getAddress();
    }

    @Override
    public boolean isLoopback() {
      return c.remote() != null && c.remote().getAddress() != null && c.remote().getAddress().isLoopbackAddress();
    }
  }
}
