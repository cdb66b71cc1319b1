package dev.postamt.account;

import dev.postamt.config.Config;
import dev.postamt.web.Exchange;
import dev.postamt.web.Html;
import dev.postamt.web.Principal;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code /account/apple.mobileconfig}: an Apple configuration profile that sets up the user's account
 * in Mail on iOS and macOS — one {@code com.apple.mail.managed} payload with the IMAP and SMTP
 * settings of this server (implicit TLS where it listens for it, RFC 8314 §4) and the user's address,
 * never a password (the device asks for it, or for an app password).
 *
 * <p>The profile is unsigned: the device shows it as "Not Signed" but installs it. The payload UUIDs
 * are derived from the hostname and the address, so installing a fresh download replaces the old
 * profile instead of adding a second account.
 */
final class AppleProfile {
  static final String CONTENT_TYPE = "application/x-apple-aspen-config";

  private final Config config;

  AppleProfile(Config config) {
    this.config = config;
  }

  void handle(Exchange x, Principal p) throws java.io.IOException {
    if (!x.method().equals("GET") && !x.method().equals("HEAD")) {
      x.errorPage(405, "Download the profile with a GET.");
      return;
    }
    Optional<Server> in = server("imaps", true).or(() -> server("imap", false));
    Optional<Server> out = server("smtps", true).or(() -> server("submission", false));
    if (in.isEmpty() || out.isEmpty()) {
      x.errorPage(404, "This server does not offer IMAP and SMTP submission, so there is no profile to download.");
      return;
    }
    x.response().getHeaders().put("Content-Disposition", "attachment; filename=\"" + config.hostname() + ".mobileconfig\"");
    x.send(200, CONTENT_TYPE, profile(config.hostname(), p.address(), in.get(), out.get()).getBytes(StandardCharsets.UTF_8));
  }

  /** A service of this server: its port and whether it is implicit TLS. */
  record Server(int port, boolean tls) {}

  /** The configured port of {@code service}; its standard port when the config leaves the choice to the system (0). */
  private Optional<Server> server(String service, boolean tls) {
    int standard = switch (service) {
      case "imaps" -> 993;
      case "imap" -> 143;
      case "smtps" -> 465;
      default -> 587;
    };
    return config.listen().get(service).map(InetSocketAddress::getPort)
        .map(port -> new Server(port > 0 ? port : standard, tls));
  }

  /** The profile's plist XML (Apple's Configuration Profile Reference, "Mail" payload). */
  static String profile(String hostname, String address, Server in, Server out) {
    String reversed = String.join(".", java.util.Arrays.asList(hostname.split("\\.")).reversed());
    String id = reversed + ".postamt.mail." + address.replaceAll("[^A-Za-z0-9.-]", "-");
    UUID outer = UUID.nameUUIDFromBytes((hostname + " profile " + address).getBytes(StandardCharsets.UTF_8));
    UUID inner = UUID.nameUUIDFromBytes((hostname + " mail " + address).getBytes(StandardCharsets.UTF_8));
    StringBuilder b = new StringBuilder("""
        <?xml version="1.0" encoding="UTF-8"?>
        <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
        <plist version="1.0">
        <dict>
        <key>PayloadContent</key>
        <array>
        <dict>
        """);
    string(b, "EmailAccountDescription", address);
    string(b, "EmailAccountName", address);
    string(b, "EmailAccountType", "EmailTypeIMAP");
    string(b, "EmailAddress", address);
    string(b, "IncomingMailServerAuthentication", "EmailAuthPassword");
    string(b, "IncomingMailServerHostName", hostname);
    integer(b, "IncomingMailServerPortNumber", in.port());
    bool(b, "IncomingMailServerUseSSL", in.tls());
    string(b, "IncomingMailServerUsername", address);
    string(b, "OutgoingMailServerAuthentication", "EmailAuthPassword");
    string(b, "OutgoingMailServerHostName", hostname);
    integer(b, "OutgoingMailServerPortNumber", out.port());
    bool(b, "OutgoingMailServerUseSSL", out.tls());
    string(b, "OutgoingMailServerUsername", address);
    bool(b, "OutgoingPasswordSameAsIncomingPassword", true);
    string(b, "PayloadDescription", "Mail account " + address);
    string(b, "PayloadDisplayName", address);
    string(b, "PayloadIdentifier", id + ".account");
    string(b, "PayloadType", "com.apple.mail.managed");
    string(b, "PayloadUUID", inner.toString().toUpperCase(java.util.Locale.ROOT));
    integer(b, "PayloadVersion", 1);
    b.append("</dict>\n</array>\n");
    string(b, "PayloadDescription", "Sets up " + address + " in Mail. No password is included.");
    string(b, "PayloadDisplayName", "Mail at " + hostname);
    string(b, "PayloadIdentifier", id);
    bool(b, "PayloadRemovalDisallowed", false);
    string(b, "PayloadType", "Configuration");
    string(b, "PayloadUUID", outer.toString().toUpperCase(java.util.Locale.ROOT));
    integer(b, "PayloadVersion", 1);
    return b.append("</dict>\n</plist>\n").toString();
  }

  private static void string(StringBuilder b, String key, String value) {
    b.append("<key>").append(key).append("</key><string>").append(Html.esc(value)).append("</string>\n");
  }

  private static void integer(StringBuilder b, String key, int value) {
    b.append("<key>").append(key).append("</key><integer>").append(value).append("</integer>\n");
  }

  private static void bool(StringBuilder b, String key, boolean value) {
    b.append("<key>").append(key).append("</key>").append(value ? "<true/>" : "<false/>").append('\n');
  }
}
