package dev.postamt.web;

import dev.postamt.config.MtaSts;
import dev.postamt.delivery.tls.MtaStsPolicy;
import dev.postamt.directory.Directory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/**
 * {@code GET /.well-known/mta-sts.txt} on the host {@code mta-sts.DOMAIN} of a local domain: our
 * MTA-STS policy (RFC 8461 §3.2) when {@code [mta_sts] mode} is {@code testing} or {@code enforce},
 * naming {@code [mta_sts] mx} (our hostname by default). Senders fetch it over https only, so the
 * certificate of the https listener must name {@code mta-sts.DOMAIN}. Publish the TXT record
 * {@code _mta-sts.DOMAIN} with a new {@code id} whenever the policy changes.
 */
final class MtaStsApp implements WebApp {
  static final String PATH = "/.well-known/mta-sts.txt";
  private final MtaSts settings;
  private final String hostname;
  private final Directory directory;

  MtaStsApp(MtaSts settings, String hostname, Directory directory) {
    this.settings = settings;
    this.hostname = hostname;
    this.directory = directory;
  }

  @Override
  public String prefix() {
    return PATH;
  }

  /** The policy text for our settings (the format senders parse, {@link MtaStsPolicy#text}). */
  static String policy(MtaSts s, String hostname) {
    List<String> mx = s.mx().isEmpty() ? List.of(hostname) : s.mx();
    return new MtaStsPolicy("", MtaStsPolicy.Mode.valueOf(s.mode().toUpperCase(Locale.ROOT)), mx, s.maxAge(),
        java.time.Instant.now()).text();
  }

  @Override
  public void handle(Exchange x) throws IOException {
    String host = Request.getServerName(x.request()).toLowerCase(Locale.ROOT);
    if (!x.path().equals(PATH) || settings.mode().equals("none") || !host.startsWith("mta-sts.")) {
      x.problem(404, "no MTA-STS policy here");
      return;
    }
    try {
      if (directory == null || !directory.isLocalDomain(host.substring("mta-sts.".length()))) {
        x.problem(404, "no MTA-STS policy for this host");
        return;
      }
    } catch (dev.postamt.directory.DirectoryException e) {
      throw new IOException(e.getMessage(), e);
    }
    if (!x.method().equals("GET") && !x.method().equals("HEAD")) {
      x.response().getHeaders().put(HttpHeader.ALLOW, "GET");
      x.problem(405, "use GET here");
      return;
    }
    byte[] body = policy(settings, hostname).getBytes(StandardCharsets.US_ASCII);
    var r = x.response();
    r.setStatus(200);
    r.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
    r.getHeaders().put(HttpHeader.CACHE_CONTROL, "max-age=3600");
    r.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    r.write(true, x.method().equals("HEAD") ? null : java.nio.ByteBuffer.wrap(body), x.callback());
  }
}
