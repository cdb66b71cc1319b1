package dev.postamt.smtp;

import dev.postamt.directory.Address;
import dev.postamt.directory.DirectoryException;
import dev.postamt.routing.Destination;
import dev.postamt.routing.Resolution;
import dev.postamt.routing.Router;
import dev.postamt.smtp.StageCheck.Decision;
import dev.postamt.srs.Srs;
import dev.postamt.srs.SrsException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.NetworkInterface;

/**
 * Turns a RCPT TO path into the address the message is for and asks the router about it; as a RCPT
 * check it refuses what the router does not know (Postfix {@code reject_unlisted_recipient}).
 */
final class RecipientLookup {
  private final Router router;
  private final String hostname;

  RecipientLookup(Router router, String hostname) {
    this.router = router;
    this.hostname = hostname;
  }

  /**
   * The normalised recipient: a bare {@code postmaster} (RFC 5321 §4.1.1.3) and an address literal
   * naming one of our own addresses become {@code local@hostname}; a foreign address literal is not
   * looked up (it is {@link Resolution.NotLocal}, which the relay rules then judge).
   */
  StageContext.Recipient resolve(MailPath to) {
    String address = to.address();
    String domain = to.domain();
    boolean foreignLiteral = false;
    if (domain.isEmpty()) {
      domain = hostname;
      address = "postmaster@" + domain;
    } else if (to.addressLiteral()) {
      if (isOurAddress(domain)) {
        domain = hostname;
        address = to.localPart() + "@" + domain;
      } else {
        foreignLiteral = true;
      }
    }
    Resolution r = foreignLiteral ? new Resolution.NotLocal() : router.resolve(address);
    if (Srs.isSrs(address) && (domain.equals(router.srs().domain()) || r instanceof Resolution.Unknown)) {
      return reverseSrs(to, address, domain);
    }
    return new StageContext.Recipient(to, address, domain, r);
  }

  /**
   * A bounce (or reply) to an SRS address we made: the recipient becomes the address it stands for,
   * before the message is queued, as Postsrsd's reverse map does in Postfix. That address is ours to
   * reach (we signed it), so it is accepted from any client and relayed; a remote one is reported as a
   * local destination so the relay rules let it pass. An address that fails the check (forged, expired,
   * malformed) is unknown, with the reason, which {@link #known} turns into {@code 550 5.1.1}.
   */
  private StageContext.Recipient reverseSrs(MailPath to, String address, String domain) {
    String original = address;
    try {
      // An SRS1 address of ours reverses to an SRS0 address; when that one is ours too (the mail went
      // out, came back through another forwarder and out again) it is reversed as well, at most twice.
      for (int i = 0; i < 3 && Srs.isSrs(original) && (i == 0 || atSrsDomain(original)); i++) {
        var reversed = router.srs().reverse(original);
        if (reversed.isEmpty()) {
          return new StageContext.Recipient(to, address, domain, router.resolve(address)); // SRS is off
        }
        original = reversed.get();
      }
    } catch (SrsException e) {
      return new StageContext.Recipient(to, address, domain, new Resolution.Unknown(e.getMessage()));
    } catch (UncheckedIOException e) {
      return new StageContext.Recipient(to, address, domain, new Resolution.TempFail(e.getMessage()));
    }
    String originalDomain = original.substring(original.lastIndexOf('@') + 1).toLowerCase(java.util.Locale.ROOT);
    Resolution r = router.resolve(original);
    if (r instanceof Resolution.NotLocal) {
      r = new Resolution.Local(java.util.List.of(new Destination.Remote(original)));
    }
    return new StageContext.Recipient(to, original, originalDomain, r);
  }

  private boolean atSrsDomain(String address) {
    return address.substring(address.lastIndexOf('@') + 1).equalsIgnoreCase(router.srs().domain());
  }

  /**
   * Whether {@code r}'s resolution is what {@link Router#resolve} answers for {@code r.address()}, so that
   * later steps of the transaction may use it instead of asking again: not for an SRS address (reversed,
   * and a remote original is reported as a local destination for the relay rules) nor an address literal.
   */
  static boolean plainResolution(StageContext.Recipient r) {
    return !r.path().addressLiteral() && !r.path().domain().isEmpty() && !Srs.isSrs(r.path().address())
        && r.address().equals(r.path().address())
        && (r.resolution() instanceof Resolution.Local || r.resolution() instanceof Resolution.NotLocal);
  }

  /** RCPT: unknown local addresses, failed lookups, and anything not local over LMTP. */
  static Decision known(StageContext c) {
    String shown = c.recipient().shown();
    return switch (c.recipient().resolution()) {
      case Resolution.Local l -> Decision.CONTINUE;
      case Resolution.Unknown u when Srs.isSrs(c.recipient().path().address()) ->
          Decision.refuse(550, "5.1.1", shown + ": Recipient address rejected: " + u.reason());
      case Resolution.Unknown u -> Decision.refuse(550, "5.1.1", shown + ": Recipient address rejected: User unknown");
      case Resolution.TempFail t -> Decision.refuse(451, "4.3.0", shown + ": Temporary lookup failure");
      case Resolution.NotLocal n when c.client().lmtp() ->
          Decision.refuse(550, "5.1.2", shown + ": not a local recipient (LMTP delivers locally only)");
      case Resolution.NotLocal n -> Decision.CONTINUE;
    };
  }

  /**
   * The key under which two recipients of one transaction are the same: the address with its domain
   * lower-cased (MailPath does that) and, when the directory knows the address, its canonical form (a
   * local part in any letter case names the same user). A remote local part keeps its case: RFC 5321
   * §2.4 lets the remote server tell {@code Bob@x} from {@code bob@x}, and Postfix does not merge them.
   */
  static String duplicateKey(StageContext.Recipient r) {
    if (r.resolution() instanceof Resolution.Local) {
      try {
        return Address.parse(r.address()).toString();
      } catch (DirectoryException e) {
        return r.address();
      }
    }
    return r.address();
  }

  private static boolean isOurAddress(String literal) {
    String ip = literal.substring(1, literal.length() - 1);
    if (ip.regionMatches(true, 0, "IPv6:", 0, 5)) {
      ip = ip.substring(5);
    }
    try {
      InetAddress a = InetAddress.getByName(ip);
      return a.isLoopbackAddress() || NetworkInterface.getByInetAddress(a) != null;
    } catch (IOException e) {
      return false;
    }
  }
}
