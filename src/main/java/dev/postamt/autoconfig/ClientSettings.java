package dev.postamt.autoconfig;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * The mail services a client can use, from the listeners that run: one entry per protocol and
 * security, implicit TLS first (RFC 8314 §4: prefer it to STARTTLS), each with the port it is bound to.
 */
record ClientSettings(String hostname, List<Service> incoming, List<Service> outgoing) {
  enum Security {
    /** Implicit TLS: Thunderbird's socketType {@code SSL}. */
    TLS,
    STARTTLS
  }

  record Service(String protocol, int port, Security security) {}

  static ClientSettings of(String hostname, Function<String, OptionalInt> ports) {
    List<Service> in = new ArrayList<>();
    List<Service> out = new ArrayList<>();
    add(in, "imap", "imaps", Security.TLS, ports);
    add(in, "imap", "imap", Security.STARTTLS, ports);
    add(in, "pop3", "pop3s", Security.TLS, ports);
    add(in, "pop3", "pop3", Security.STARTTLS, ports);
    add(out, "smtp", "smtps", Security.TLS, ports);
    add(out, "smtp", "submission", Security.STARTTLS, ports);
    return new ClientSettings(hostname, List.copyOf(in), List.copyOf(out));
  }

  private static void add(List<Service> to, String protocol, String listener, Security s,
      Function<String, OptionalInt> ports) {
    OptionalInt p = ports.apply(listener);
    if (p.isPresent()) {
      to.add(new Service(protocol, p.getAsInt(), s));
    }
  }

  /** Text for XML content and attributes. */
  static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&apos;");
        default -> b.append(c < 0x20 ? ' ' : c);
      }
    }
    return b.toString();
  }

  /**
   * Thunderbird's format, version 1.1 (the "config-v1.1.xml" of Mozilla's autoconfig documentation):
   * {@code clientConfig/emailProvider} with its domain, then {@code incomingServer} and {@code
   * outgoingServer} elements with hostname, port, socketType, authentication and username.
   */
  String thunderbird(String domain) {
    StringBuilder b = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<clientConfig version=\"1.1\">\n");
    String d = esc(domain);
    b.append("  <emailProvider id=\"").append(d).append("\">\n");
    b.append("    <domain>").append(d).append("</domain>\n");
    b.append("    <displayName>").append(d).append(" mail</displayName>\n");
    b.append("    <displayShortName>").append(d).append("</displayShortName>\n");
    for (Service s : incoming) {
      server(b, "incomingServer", s);
    }
    for (Service s : outgoing) {
      server(b, "outgoingServer", s);
    }
    b.append("  </emailProvider>\n</clientConfig>\n");
    return b.toString();
  }

  private void server(StringBuilder b, String element, Service s) {
    b.append("    <").append(element).append(" type=\"").append(s.protocol()).append("\">\n");
    b.append("      <hostname>").append(esc(hostname)).append("</hostname>\n");
    b.append("      <port>").append(s.port()).append("</port>\n");
    b.append("      <socketType>").append(s.security() == Security.TLS ? "SSL" : "STARTTLS").append("</socketType>\n");
    b.append("      <authentication>password-cleartext</authentication>\n");
    b.append("      <username>%EMAILADDRESS%</username>\n");
    b.append("    </").append(element).append(">\n");
  }

  /**
   * Outlook's POX autodiscover answer (response schema 2006a): one {@code Protocol} per service, the
   * login name being the address asked about.
   */
  String autodiscover(String address) {
    StringBuilder b = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    b.append("<Autodiscover xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006\">\n");
    b.append("  <Response xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a\">\n");
    b.append("    <Account>\n      <AccountType>email</AccountType>\n      <Action>settings</Action>\n");
    List<Service> all = new ArrayList<>(incoming);
    all.addAll(outgoing);
    for (Service s : all) {
      b.append("      <Protocol>\n");
      b.append("        <Type>").append(s.protocol().equals("pop3") ? "POP3" : s.protocol().toUpperCase(java.util.Locale.ROOT))
          .append("</Type>\n");
      b.append("        <Server>").append(esc(hostname)).append("</Server>\n");
      b.append("        <Port>").append(s.port()).append("</Port>\n");
      b.append("        <DomainRequired>off</DomainRequired>\n");
      b.append("        <LoginName>").append(esc(address)).append("</LoginName>\n");
      b.append("        <SPA>off</SPA>\n");
      b.append("        <SSL>on</SSL>\n");
      b.append("        <Encryption>").append(s.security() == Security.TLS ? "SSL" : "TLS").append("</Encryption>\n");
      b.append("        <AuthRequired>on</AuthRequired>\n");
      b.append("      </Protocol>\n");
    }
    b.append("    </Account>\n  </Response>\n</Autodiscover>\n");
    return b.toString();
  }
}
