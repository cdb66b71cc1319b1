package dev.postamt.web;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Replaces Jetty's error page: whatever Jetty itself refuses (a malformed request line, headers too
 * large, a failure in a handler) is answered with the security headers and a small JSON problem that
 * names the status only. Jetty's own page can show an exception's message; this never does.
 */
final class ErrorPages implements Request.Handler {
  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    int status = request.getAttribute(ErrorHandler.ERROR_STATUS) instanceof Integer s ? s : 500;
    if (status < 400 || status > 599) {
      status = 500;
    }
    Replies.securityHeaders(request, response);
    if (status == 400 || status >= 500) {
      Replies.closeAfter(request, response);
    }
    Replies.problem(response, callback, status, null);
    return true;
  }
}
