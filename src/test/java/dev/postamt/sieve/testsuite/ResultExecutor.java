package dev.postamt.sieve.testsuite;

import dev.postamt.sieve.Execution;
import dev.postamt.sieve.SieveAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Carries out a result for the test suite the way delivery will: stores into the in-memory mailboxes,
 * puts redirects, bounces, vacation replies and mailto notifications into the outbox. Fails like a
 * store would when a mailbox is missing and {@code :create} was not given.
 */
final class ResultExecutor {
  private ResultExecutor() {}

  /**
   * Like Pigeonhole's test_result_execute: the result stays (test_result_action still sees it, scripts run
   * with :append_result add to it) and executing it again carries out only the actions added since.
   */
  static boolean execute(TestsuiteState st, Execution x) {
    List<SieveAction> actions = new java.util.ArrayList<>(x.currentActions());
    actions.removeAll(st.executed);
    st.executed.addAll(actions);
    return execute(st, x, actions);
  }

  static boolean execute(TestsuiteState st, Execution x, List<SieveAction> actions) {
    byte[] message = edited(st, x);
    for (SieveAction a : actions) {
      switch (a) {
        case SieveAction.Keep k -> st.mailboxes.get("INBOX").add(new TestsuiteState.Stored(message, k.flags()));
        case SieveAction.FileInto f -> {
          String box = TestsuiteState.canonical(f.mailbox());
          if (f.specialUse() != null) {
            box = st.specialUseMailbox(f.specialUse()).orElse(box);
          }
          if (box.isEmpty() || box.contains("//") || box.startsWith("/") || box.endsWith("/")) {
            // Like Dovecot's store: an empty hierarchy level is not a mailbox name.
            st.errors = new ArrayList<>(List.of("failed to store into mailbox '" + box + "': Invalid mailbox name"));
            st.mailboxes.get("INBOX").add(new TestsuiteState.Stored(st.message, List.of()));
            return false;
          }
          if (!st.mailboxes.containsKey(box)) {
            if (!f.create()) {
              st.errors = new ArrayList<>(List.of("failed to store into mailbox '" + box + "': Mailbox doesn't exist"));
              // As delivery does: a failed result falls back to keeping the original message in INBOX.
              st.mailboxes.get("INBOX").add(new TestsuiteState.Stored(st.message, List.of()));
              return false;
            }
            st.mailboxes.put(box, new ArrayList<>());
          }
          st.mailboxes.get(box).add(new TestsuiteState.Stored(message, f.flags()));
        }
        case SieveAction.Redirect r -> {
          var out = dev.postamt.sieve.ext.Redirects.compose(r, message, st.parsed, st.envelope, st);
          if (out.isEmpty() && !r.copy()) {
            st.mailboxes.get("INBOX").add(new TestsuiteState.Stored(message, List.of()));
          }
          out.ifPresent(o -> st.outbox.add(new TestsuiteState.Sent(o.envelopeFrom(), o.envelopeTo().get(0), o.content())));
        }
        case SieveAction.Reject r -> dev.postamt.sieve.ext.RejectNotice.compose(r.reason(), st.message, st.parsed,
            st.envelope, st).ifPresent(o -> st.outbox.add(new TestsuiteState.Sent(o.envelopeFrom(), o.envelopeTo().get(0),
            o.content())));
        case SieveAction.Vacation v -> {
          if (v.due()) {
            var out = dev.postamt.sieve.ext.VacationReply.compose(v, st.parsed, st.envelope, st);
            for (String to : out.envelopeTo()) {
              st.outbox.add(new TestsuiteState.Sent(out.envelopeFrom(), to, out.content()));
            }
          }
        }
        default -> {}
      }
    }
    for (var out : dev.postamt.sieve.ext.Mailto.notifications(actions, st.parsed, st.envelope, st)) {
      for (String to : out.envelopeTo()) {
        st.outbox.add(new TestsuiteState.Sent(out.envelopeFrom(), to, out.content()));
      }
    }
    return true;
  }


  /** The message with the header edits of the run applied. */
  private static byte[] edited(TestsuiteState st, Execution x) {
    if (x.headers() == st.parsed.headers()) {
      return st.message;
    }
    StringBuilder b = new StringBuilder();
    for (var h : x.headers()) {
      b.append(h.name()).append(": ").append(h.value()).append("\r\n");
    }
    b.append("\r\n").append(st.parsed.rawBody());
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }
}
