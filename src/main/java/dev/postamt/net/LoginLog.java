package dev.postamt.net;

import java.net.InetAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one log line per login attempt, for every protocol (IMAP, POP3, SMTP AUTH), in a format that
 * fail2ban-style tools can match (docs/logging.md, "Logins"):
 *
 * <pre>
 * login ok: proto=imap ip=192.0.2.1 user=&lt;alice@example.test&gt; method=PLAIN tls=yes
 * login failed: proto=smtp ip=192.0.2.1 user=&lt;x@y&gt; method=LOGIN tls=yes reason=bad password
 * </pre>
 *
 * <p>The address comes before the user name, and the name (chosen by the client) has spaces, angle
 * brackets and control characters replaced by {@code ?}, so that a crafted name cannot make a pattern
 * read another address. Logged under this class's name ({@code dev.postamt.net.LoginLog}) at INFO.
 */
public final class LoginLog {
  private static final Logger log = LoggerFactory.getLogger(LoginLog.class);
  private static final int MAX_USER = 256;

  private LoginLog() {}

  /** A successful login of {@code user} (as authenticated) from {@code ip}. */
  public static void ok(String proto, String user, InetAddress ip, String method, boolean tls) {
    log.info("login ok: proto={} ip={} user=<{}> method={} tls={}", proto, ip(ip), clean(user), clean(method), yesNo(tls));
  }

  /** A failed login; {@code user} is what the client named (may be null), {@code reason} a few words. */
  public static void failed(String proto, String user, InetAddress ip, String method, boolean tls, String reason) {
    log.info(
        "login failed: proto={} ip={} user=<{}> method={} tls={} reason={}",
        proto, ip(ip), clean(user), clean(method), yesNo(tls), reason);
  }

  private static String ip(InetAddress ip) {
    return ip == null ? "unknown" : ip.getHostAddress();
  }

  private static String yesNo(boolean b) {
    return b ? "yes" : "no";
  }

  /** The client's words made safe for one log line: no spaces, brackets or control characters, bounded. */
  static String clean(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_USER));
    s.codePoints().limit(MAX_USER).forEach(c -> b.appendCodePoint(
        c <= ' ' || c == 0x7f || c == '<' || c == '>' || Character.isISOControl(c) || Character.isWhitespace(c) ? '?' : c));
    return b.toString();
  }
}
