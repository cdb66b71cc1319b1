package dev.postamt.web;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.RequestLog;
import org.eclipse.jetty.server.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request on the logger {@code http}, at INFO:
 *
 * <pre>
 * 192.0.2.1 alice@example.test "POST /jmap/api HTTP/2.0" 200 1234 5ms
 * </pre>
 *
 * <p>Client, user ({@code -} before authentication), method, path without the query (download links
 * carry file names), protocol, status, bytes sent and time taken. Characters outside printable ASCII
 * in the path are {@code ?}, so a request cannot forge a line.
 */
final class AccessLog implements RequestLog {
  static final Logger log = LoggerFactory.getLogger("http");
  /** The request attribute holding the authenticated user. */
  static final String USER = "dev.postamt.web.user";

  @Override
  public void log(Request request, Response response) {
    if (!log.isInfoEnabled()) {
      return;
    }
    SocketAddress remote = request.getConnectionMetaData().getRemoteSocketAddress();
    String ip = remote instanceof InetSocketAddress a && a.getAddress() != null ? a.getAddress().getHostAddress() : "-";
    Object user = request.getAttribute(USER);
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - request.getHeadersNanoTime());
    log.info("{} {} \"{} {} {}\" {} {} {}ms", ip, user == null ? "-" : clean(user.toString()), clean(request.getMethod()),
        clean(request.getHttpURI().getPath()), request.getConnectionMetaData().getProtocol(), response.getStatus(),
        Response.getContentBytesWritten(response), ms);
  }

  static String clean(String s) {
    if (s == null) {
      return "-";
    }
    StringBuilder b = new StringBuilder(Math.min(s.length(), 512));
    for (int i = 0; i < s.length() && i < 512; i++) {
      char c = s.charAt(i);
      b.append(c < 0x21 || c > 0x7e || c == '"' ? '?' : c);
    }
    return b.toString();
  }
}
