package dev.postamt.imap;

import java.io.IOException;
import java.util.Locale;

/**
 * ENABLE (RFC 5161): unknown capabilities are ignored, and the ENABLED response lists what this
 * command turned on. CONDSTORE and QRESYNC (RFC 7162 §3.2.3: QRESYNC implies CONDSTORE), IMAP4rev2
 * (RFC 9051 Appendix A) and UTF8=ACCEPT (RFC 6855 §3: mailbox names and quoted strings in UTF-8 from
 * now on, and APPEND's UTF8 data item), UIDONLY (RFC 9586, {@link UidOnly}).
 */
final class EnableCommand {
  static final String UTF8_ACCEPT = "UTF8=ACCEPT";

  private EnableCommand() {}

  static String run(ImapSession s, Command.Enable e) throws IOException {
    StringBuilder enabled = new StringBuilder("ENABLED");
    for (String x : e.capabilities()) {
      String cap = x.toUpperCase(Locale.ROOT);
      if ((enabled + " ").toUpperCase(Locale.ROOT).contains(" " + cap + " ")) {
        continue;
      }
      if (cap.equals("CONDSTORE") || cap.equals("QRESYNC")) {
        s.enableCondstore();
        if (cap.equals("QRESYNC")) {
          s.qresync = true;
          if (s.selected != null) {
            s.selected.qresync = true;
          }
        }
        enabled.append(' ').append(cap);
      } else if (cap.equals("IMAP4REV2")) {
        s.enableRev2();
        enabled.append(" IMAP4rev2");
      } else if (cap.equals(UidOnly.CAPABILITY)) {
        s.uidOnly = true;
        if (s.selected != null) {
          s.selected.uidOnly = true;
        }
        enabled.append(' ').append(UidOnly.CAPABILITY);
      } else if (cap.equals(UTF8_ACCEPT)) {
        s.utf8Accept = true;
        enabled.append(' ').append(UTF8_ACCEPT);
      }
    }
    s.w.untagged(enabled.toString());
    return "Enabled";
  }
}
