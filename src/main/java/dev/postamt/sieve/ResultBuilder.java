package dev.postamt.sieve;

import dev.postamt.sieve.SieveAction.Discard;
import dev.postamt.sieve.SieveAction.Ereject;
import dev.postamt.sieve.SieveAction.FileInto;
import dev.postamt.sieve.SieveAction.Keep;
import dev.postamt.sieve.SieveAction.Redirect;
import dev.postamt.sieve.SieveAction.Reject;
import dev.postamt.sieve.SieveAction.Vacation;
import dev.postamt.sieve.SyntaxTree.Position;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects the actions of one run and applies the rules between them: the implicit keep (RFC 5228
 * §2.10.2) is cancelled by fileinto, redirect, discard and reject but not by their {@code :copy} forms;
 * storing into the same mailbox twice stores once (§2.10.3); reject and ereject cannot be combined with a
 * keep, fileinto, redirect or vacation (RFC 5429 §2.1–2.2); one vacation per run (RFC 5230 §4.7); the
 * number of redirects and of actions is limited.
 */
public final class ResultBuilder {
  private final List<SieveAction> actions = new ArrayList<>();
  private final SieveLimits limits;
  private boolean implicitKeep = true;
  private int redirects;

  ResultBuilder(SieveLimits limits) {
    this.limits = limits;
  }

  public boolean implicitKeep() {
    return implicitKeep;
  }

  public List<SieveAction> actions() {
    return actions;
  }

  private void add(Position at, SieveAction a) throws SieveRuntimeException {
    if (actions.size() >= limits.maxActions()) {
      throw new SieveRuntimeException(at, "total number of actions exceeds policy limit (" + limits.maxActions() + ")");
    }
    actions.add(a);
  }

  private SieveAction rejecting() {
    for (SieveAction a : actions) {
      if (a instanceof Reject || a instanceof Ereject) {
        return a;
      }
    }
    return null;
  }

  private void conflictWithReject(Position at, String what) throws SieveRuntimeException {
    SieveAction r = rejecting();
    if (r != null) {
      throw new SieveRuntimeException(at, what + " action conflicts with earlier "
          + (r instanceof Reject ? "reject" : "ereject") + " action");
    }
  }

  public void keep(Position at, List<String> flags) throws SieveRuntimeException {
    conflictWithReject(at, "keep");
    implicitKeep = false;
    for (int i = 0; i < actions.size(); i++) {
      if (actions.get(i) instanceof Keep k) {
        // RFC 5232 §5: when stores are merged, the last flag list wins.
        actions.set(i, new Keep(List.copyOf(flags)));
        return;
      }
      if (actions.get(i) instanceof FileInto f && f.mailbox().equalsIgnoreCase("INBOX") && f.specialUse() == null) {
        // The same store as the earlier fileinto "INBOX": one action, reported as the keep it now is.
        actions.set(i, new Keep(List.copyOf(flags)));
        return;
      }
    }
    add(at, new Keep(List.copyOf(flags)));
  }

  public void fileInto(Position at, FileInto f) throws SieveRuntimeException {
    conflictWithReject(at, "fileinto");
    if (!f.copy()) {
      implicitKeep = false;
    }
    for (int i = 0; i < actions.size(); i++) {
      SieveAction a = actions.get(i);
      if (a instanceof FileInto g && sameMailbox(g.mailbox(), f.mailbox())) {
        actions.set(i, new FileInto(g.mailbox(), f.flags(), g.create() || f.create(),
            g.specialUse() != null ? g.specialUse() : f.specialUse(), g.copy() && f.copy()));
        return;
      }
      if (a instanceof Keep && f.mailbox().equalsIgnoreCase("INBOX") && f.specialUse() == null) {
        return;
      }
    }
    add(at, f);
  }

  private static boolean sameMailbox(String a, String b) {
    return inboxCanonical(a).equals(inboxCanonical(b));
  }

  /** RFC 3501 §5.1: "INBOX" is case-insensitive, also as the first level of a hierarchical name. */
  private static String inboxCanonical(String m) {
    if (m.regionMatches(true, 0, "INBOX", 0, 5) && (m.length() == 5 || m.charAt(5) == '.' || m.charAt(5) == '/')) {
      return "INBOX" + m.substring(5);
    }
    return m;
  }

  public void redirect(Position at, String address, boolean copy) throws SieveRuntimeException {
    conflictWithReject(at, "redirect");
    if (!copy) {
      implicitKeep = false;
    }
    for (int i = 0; i < actions.size(); i++) {
      if (actions.get(i) instanceof Redirect r && r.address().equalsIgnoreCase(address)) {
        if (r.copy() && !copy) {
          actions.set(i, new Redirect(r.address(), false));
        }
        return;
      }
    }
    if (++redirects > limits.maxRedirects()) {
      throw new SieveRuntimeException(at, "number of redirect actions exceeds policy limit (" + limits.maxRedirects() + ")");
    }
    add(at, new Redirect(address, copy));
  }

  public void discard(Position at) throws SieveRuntimeException {
    implicitKeep = false;
    for (SieveAction a : actions) {
      if (a instanceof Discard) {
        return;
      }
    }
    add(at, new Discard());
  }

  public void reject(Position at, SieveAction rejection) throws SieveRuntimeException {
    SieveAction earlier = rejecting();
    if (earlier != null) {
      throw new SieveRuntimeException(at, "duplicate reject/ereject action not allowed");
    }
    for (SieveAction a : actions) {
      String name = switch (a) {
        case Keep k -> "keep";
        case FileInto f -> "fileinto";
        case Redirect r -> "redirect";
        case Vacation v -> "vacation";
        default -> null;
      };
      if (name != null) {
        throw new SieveRuntimeException(at, (rejection instanceof Reject ? "reject" : "ereject")
            + " action conflicts with earlier " + name + " action");
      }
    }
    implicitKeep = false;
    add(at, rejection);
  }

  public void vacation(Position at, Vacation v) throws SieveRuntimeException {
    conflictWithReject(at, "vacation");
    for (SieveAction a : actions) {
      if (a instanceof Vacation) {
        throw new SieveRuntimeException(at, "duplicate vacation action not allowed");
      }
    }
    add(at, v);
  }

  /** Notifications, header edits and other actions without interplay. */
  public void other(Position at, SieveAction a) throws SieveRuntimeException {
    if (!actions.contains(a)) {
      add(at, a);
    }
  }

  /** The final list; the implicit keep, when still due, stores with {@code flags}. */
  List<SieveAction> finish(List<String> flags) {
    List<SieveAction> out = new ArrayList<>(actions);
    if (implicitKeep) {
      boolean stored = false;
      for (SieveAction a : out) {
        stored |= a instanceof Keep || a instanceof FileInto f && f.mailbox().equalsIgnoreCase("INBOX") && f.specialUse() == null;
      }
      if (!stored) {
        out.add(new Keep(List.copyOf(flags)));
      }
    }
    return out;
  }
}
