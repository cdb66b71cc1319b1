package dev.postamt.imap;

import java.util.ArrayList;
import java.util.List;

/**
 * The capability list (RFC 9051 §6.1.1) that the greeting, CAPABILITY and the tagged OK of a login
 * tell. Gathered in one place from the command groups, which name their own capabilities, because what
 * a client is told depends on the session: STARTTLS and the AUTH= mechanisms only before login, and
 * LOGINDISABLED instead where a password may not be sent; COMPRESS=DEFLATE only after login.
 */
final class Capabilities {
  /** Extensions advertised in every state (each one implemented and tested). */
  static final List<String> EXTENSIONS =
      List.of("IMAP4rev1", "IMAP4rev2", "LITERAL+", "SASL-IR", "ID", "ENABLE", "IDLE", "NAMESPACE", "UNSELECT",
          "UIDPLUS", "MOVE", "CHILDREN", "SPECIAL-USE", "CREATE-SPECIAL-USE", "ESEARCH", "CONDSTORE",
          "QRESYNC", "SEARCHRES", "STATUS=SIZE", "LIST-EXTENDED", "LIST-STATUS", "BINARY",
          ObjectIds.CAPABILITY, Preview.CAPABILITY, "SAVEDATE", "WITHIN", EnableCommand.UTF8_ACCEPT,
          UidOnly.CAPABILITY);

  private Capabilities() {}

  /** The list for {@code s} as it stands, space-separated. */
  static String of(ImapSession s) {
    List<String> caps = new ArrayList<>(EXTENSIONS);
    caps.addAll(QuotaCommands.CAPABILITIES);
    caps.add("APPENDLIMIT=" + s.settings.maxLiteral()); // RFC 7889
    caps.addAll(SortCommands.CAPABILITIES);
    caps.addAll(SearchContexts.CAPABILITIES);
    caps.addAll(AppendCommands.CAPABILITIES);
    caps.addAll(MetadataCommands.CAPABILITIES);
    caps.add(NotifyWatch.CAPABILITY);
    caps.add(PartialRange.CAPABILITY);
    caps.add(Progress.CAPABILITY);
    caps.addAll(AclCommands.CAPABILITIES);
    caps.addAll(UrlAuthCommands.CAPABILITIES);
    if (s.state != State.NOT_AUTHENTICATED && s.transport.canCompress()) {
      caps.add(CompressCommand.CAPABILITY); // as Dovecot, once logged in (the command needs it)
    }
    if (s.state == State.NOT_AUTHENTICATED) {
      if (!s.transport.isTls() && s.transport.canStartTls()) {
        caps.add("STARTTLS");
      }
      if (s.login.loginAllowed()) {
        caps.add("AUTH=SCRAM-SHA-256");
        caps.add("AUTH=PLAIN");
        caps.add("AUTH=LOGIN"); // older clients (draft-murchison-sasl-login), under the same rule as PLAIN
      } else {
        caps.add("LOGINDISABLED");
      }
    }
    return String.join(" ", caps);
  }
}
