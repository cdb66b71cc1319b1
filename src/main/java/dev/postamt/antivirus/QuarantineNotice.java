package dev.postamt.antivirus;

import dev.postamt.mime.MailDate;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.util.List;

/**
 * The short notice a recipient gets when a message to them was quarantined: what was found ({@code virus
 * NAME}, {@code forbidden attachment ...}), from whom (as
 * the sender claims), and how to ask for release. It goes to the recipients only, never to the envelope
 * sender (virus senders are forged; telling them is backscatter), from the null sender so that it can
 * never bounce back, marked {@code Auto-Submitted: auto-generated} (RFC 3834).
 */
public final class QuarantineNotice {
  private QuarantineNotice() {}

  /**
   * @param hostname our host name (the notice is from {@code postmaster@hostname})
   * @param noticeId a unique id for its Message-ID
   * @param found what was found, as {@code virus NAME}
   * @param subject the held message's subject, decoded (may be empty)
   */
  public static byte[] build(
      String hostname, String noticeId, List<String> recipients, String heldId, String found, String sender, String subject,
      ZonedDateTime now) {
    String postmaster = "postmaster@" + hostname;
    StringBuilder b = new StringBuilder(1024);
    b.append("From: Mail Delivery System <").append(postmaster).append(">\r\n");
    b.append("To: ").append(String.join(",\r\n ", recipients.stream().map(r -> "<" + r + ">").toList())).append("\r\n");
    b.append("Subject: A message to you was quarantined (").append(oneLine(found)).append(")\r\n");
    b.append("Date: ").append(MailDate.format(now)).append("\r\n");
    b.append("Message-ID: <").append(noticeId).append(".quarantine@").append(hostname).append(">\r\n");
    b.append("Auto-Submitted: auto-generated\r\n");
    b.append("MIME-Version: 1.0\r\n");
    b.append("Content-Type: text/plain; charset=utf-8\r\n");
    b.append("Content-Transfer-Encoding: 8bit\r\n\r\n");
    b.append("A message addressed to you was not delivered because of what it contains.\r\n\r\n");
    b.append("  Found:          ").append(oneLine(found)).append("\r\n");
    b.append("  Sender:         <").append(oneLine(sender)).append(">  (as claimed; senders of such mail are usually forged)\r\n");
    b.append("  Subject:        ").append(oneLine(subject)).append("\r\n");
    b.append("  Quarantine id:  ").append(heldId).append("\r\n\r\n");
    b.append("It is kept in quarantine. If you expected this message and are sure it is harmless,\r\n");
    b.append("ask your postmaster <").append(postmaster).append("> to release it, quoting the quarantine id.\r\n");
    b.append("(Administrators: postamt quarantine show ").append(heldId).append(" / postamt quarantine release ")
        .append(heldId).append(")\r\n");
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Printable, on one line, bounded: what a sender wrote must not inject header fields or lines. */
  static String oneLine(String s) {
    String t = s == null ? "" : s.replaceAll("[\\p{Cntrl}]", " ").strip();
    return t.length() > 200 ? t.substring(0, 200) + "..." : t;
  }
}
