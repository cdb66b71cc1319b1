package dev.postamt.autoconfig;

import dev.postamt.web.Exchange;
import dev.postamt.web.WebApp;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.io.Content;

/**
 * Answers the autoconfiguration requests of mail clients (see the package comment). Mounted once per
 * path (a {@link WebApp} has one prefix): {@link #apps} gives them all.
 */
public final class ClientConfigApp implements WebApp {
  static final String WELL_KNOWN = "/.well-known/autoconfig/mail/config-v1.1.xml";
  static final String AUTOCONFIG_HOST = "/mail/config-v1.1.xml";
  static final String AUTODISCOVER = "/autodiscover/autodiscover.xml";
  private static final int MAX_REQUEST = 64 * 1024;
  private static final Pattern EMAIL = Pattern.compile("<EMailAddress>\\s*([^<\\s]+)\\s*</EMailAddress>", Pattern.CASE_INSENSITIVE);

  private final String prefix;
  private final String hostname;
  private final Function<String, Optional<InetSocketAddress>> listeners;
  private final Predicate<String> localDomain;

  private ClientConfigApp(String prefix, String hostname, Function<String, Optional<InetSocketAddress>> listeners,
      Predicate<String> localDomain) {
    this.prefix = prefix;
    this.hostname = hostname;
    this.listeners = listeners;
    this.localDomain = localDomain;
  }

  /**
   * The apps to mount: Thunderbird's two paths and Outlook's, the latter in the two spellings clients
   * send (its path is case-insensitive; the web handler matches prefixes exactly).
   *
   * @param listeners the bound address of a service ({@code imaps}, {@code submission} …), if it runs
   * @param localDomain whether a domain is one of ours
   */
  public static List<WebApp> apps(String hostname, Function<String, Optional<InetSocketAddress>> listeners,
      Predicate<String> localDomain) {
    return List.of(WELL_KNOWN, AUTOCONFIG_HOST, AUTODISCOVER, "/Autodiscover/Autodiscover.xml").stream()
        .map(p -> (WebApp) new ClientConfigApp(p, hostname, listeners, localDomain)).toList();
  }

  @Override
  public String prefix() {
    return prefix;
  }

  @Override
  public void handle(Exchange x) throws IOException {
    String path = x.path();
    ClientSettings settings = ClientSettings.of(hostname, svc -> listeners.apply(svc)
        .map(a -> OptionalInt.of(a.getPort())).orElse(OptionalInt.empty()));
    if (path.equalsIgnoreCase(AUTODISCOVER)) {
      autodiscover(x, settings);
      return;
    }
    if (!path.equals(prefix)) {
      x.problem(404, "no such resource");
      return;
    }
    if (!x.method().equals("GET") && !x.method().equals("HEAD")) {
      x.response().getHeaders().put("Allow", "GET");
      x.problem(405, "use GET");
      return;
    }
    String address = x.query("emailaddress");
    String domain;
    if (address != null) {
      domain = domainOf(address);
    } else {
      // autoconfig.DOMAIN/mail/config-v1.1.xml: the domain is in the host name
      String host = org.eclipse.jetty.server.Request.getServerName(x.request()).toLowerCase(Locale.ROOT);
      domain = host.startsWith("autoconfig.") ? host.substring("autoconfig.".length()) : host;
    }
    if (domain == null || !localDomain.test(domain)) {
      x.problem(404, "no configuration for this domain");
      return;
    }
    x.send(200, "application/xml;charset=utf-8", settings.thunderbird(domain).getBytes(StandardCharsets.UTF_8));
  }

  /** Outlook's POX request: {@code <Autodiscover><Request><EMailAddress>…} POSTed. */
  private void autodiscover(Exchange x, ClientSettings settings) throws IOException {
    if (!x.method().equals("POST")) {
      x.response().getHeaders().put("Allow", "POST");
      x.problem(405, "use POST");
      return;
    }
    byte[] body;
    try (InputStream in = Content.Source.asInputStream(x.request())) {
      body = in.readNBytes(MAX_REQUEST + 1);
    }
    if (body.length > MAX_REQUEST) {
      x.problem(413, "request too large");
      return;
    }
    Matcher m = EMAIL.matcher(new String(body, StandardCharsets.UTF_8));
    String domain = m.find() ? domainOf(m.group(1)) : null;
    if (domain == null) {
      x.problem(400, "the request names no EMailAddress");
      return;
    }
    if (!localDomain.test(domain)) {
      x.problem(404, "no configuration for this domain");
      return;
    }
    x.send(200, "application/xml;charset=utf-8", settings.autodiscover(m.group(1)).getBytes(StandardCharsets.UTF_8));
  }

  /** The domain of an address, lower case, or null when it is not {@code local@domain}. */
  static String domainOf(String address) {
    int at = address.lastIndexOf('@');
    if (at <= 0 || at == address.length() - 1) {
      return null;
    }
    String d = address.substring(at + 1).toLowerCase(Locale.ROOT);
    return d.matches("[a-z0-9.-]+") ? d : null;
  }
}
