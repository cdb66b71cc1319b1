package dev.postamt.mda;

import dev.postamt.sieve.Interpreter;
import dev.postamt.sieve.SieveAction;
import dev.postamt.sieve.SieveEnvelope;
import dev.postamt.sieve.SieveEnvironment;
import dev.postamt.sieve.SieveMessage;
import dev.postamt.sieve.SieveResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a user's script sequence ({@link ScriptSequence}) over one message and decides what delivery
 * does, as Pigeonhole runs sieve_before, the user's script and sieve_after: the scripts form a sequence
 * in which the next one runs only while the (implicit or explicit) keep is in effect; the actions of every
 * script that ran are carried out, and only the last script's keep stores the message. A script that
 * does not compile or fails at run time (error, step or time limit) ends the sequence: the actions of
 * the scripts before it stand, its own are dropped, and the message is kept in INBOX (RFC 5228
 * §2.10.6). Header edits (RFC 5293) of one script are seen by the next and go into the stored copies.
 */
public final class SieveFilter {
  private static final Pattern POSITION = Pattern.compile("^(\\d+):(\\d+): (.*)$", Pattern.DOTALL);

  /** A script that did not compile or failed; {@code line} 0 when unknown. */
  public record ScriptError(String script, int line, String message, boolean personal) {
    @Override
    public String toString() {
      return "script=" + script + " line=" + line + ": " + message;
    }
  }

  /**
   * What the scripts decided.
   *
   * @param headers the header section as edited, or null when no script edited it
   * @param trace what the scripts logged (vacation not sent and why, ...), for {@code sieve test}
   * @param implicitKeep whether the {@link SieveAction.Keep} among the actions is the implicit keep
   */
  public record Decision(List<SieveAction> actions, List<ScriptError> errors, List<SieveMessage.Header> headers,
      List<String> trace, boolean implicitKeep) {
    public boolean failed() {
      return !errors.isEmpty();
    }
  }

  private final ScriptSequence sequence;

  public SieveFilter(ScriptSequence sequence) {
    this.sequence = sequence;
  }

  public ScriptSequence sequence() {
    return sequence;
  }

  /** Runs the scripts of {@code entries} (see {@link ScriptSequence#forUser}); never throws for a script's sake. */
  public Decision decide(List<ScriptSequence.Entry> entries, SieveMessage message, SieveEnvelope envelope,
      SieveEnvironment environment) {
    List<SieveAction> actions = new ArrayList<>();
    List<ScriptError> errors = new ArrayList<>();
    List<String> trace = new ArrayList<>();
    SieveMessage current = message;
    List<SieveMessage.Header> edited = null;
    int redirects = 0;
    boolean keep = false;
    boolean implicit = true;
    for (int i = 0; i < entries.size(); i++) {
      ScriptSequence.Entry e = entries.get(i);
      boolean last = i == entries.size() - 1;
      if (e.broken()) {
        errors.add(new ScriptError(e.name(), e.line(), e.error(), e.personal()));
        keep = true;
        break;
      }
      AtomicReference<List<SieveMessage.Header>> headers = new AtomicReference<>();
      SieveResult r = Interpreter.run(e.script(), current, envelope, environment, sequence.limits(), headers::set);
      r.log().forEach(l -> trace.add(e.name() + ": " + l));
      if (r.failed()) {
        errors.add(error(e, r.error()));
        keep = true;
        break;
      }
      if (headers.get() != null && headers.get() != current.headers() && changed(r)) {
        edited = List.copyOf(headers.get());
        current = new EditedMessage(message, edited);
      }
      keep = false;
      implicit = r.implicitKeep();
      for (SieveAction a : r.actions()) {
        switch (a) {
          case SieveAction.Keep k -> {
            keep = true;
            if (last) {
              actions.add(k);
            }
          }
          case SieveAction.Redirect rd -> {
            if (++redirects > sequence.config().maxRedirects()) {
              errors.add(new ScriptError(e.name(), 0, "number of redirect actions exceeds policy limit ("
                  + sequence.config().maxRedirects() + ")", e.personal()));
              keep = true;
            } else {
              actions.add(rd);
            }
          }
          case SieveAction.Vacation v when any(actions, SieveAction.Vacation.class) ->
              trace.add(e.name() + ": vacation: no reply: an earlier script already answered");
          default -> actions.add(a);
        }
      }
      if (!keep || !errors.isEmpty()) {
        break;
      }
    }
    if (keep && !any(actions, SieveAction.Keep.class)) {
      // a failure, or the keep of a script the sequence ended with before its last one
      actions.add(new SieveAction.Keep(List.of()));
      implicit = true;
    }
    return new Decision(List.copyOf(actions), List.copyOf(errors), edited, List.copyOf(trace),
        implicit || !errors.isEmpty());
  }

  private static boolean changed(SieveResult r) {
    return any(r.actions(), SieveAction.AddHeader.class) || any(r.actions(), SieveAction.DeleteHeader.class);
  }

  /** Whether an action of {@code kind} is among {@code actions} (a loop, not a stream: delivery asks per message). */
  static boolean any(List<SieveAction> actions, Class<? extends SieveAction> kind) {
    for (SieveAction a : actions) {
      if (kind.isInstance(a)) {
        return true;
      }
    }
    return false;
  }

  private static ScriptError error(ScriptSequence.Entry e, String text) {
    Matcher m = POSITION.matcher(text);
    if (m.matches()) {
      return new ScriptError(e.name(), Integer.parseInt(m.group(1)), m.group(3), e.personal());
    }
    return new ScriptError(e.name(), 0, text, e.personal());
  }

  /** The message with an edited header section, for the next script of the sequence. */
  private record EditedMessage(SieveMessage base, List<SieveMessage.Header> headers) implements SieveMessage {
    @Override
    public long size() {
      long n = base.size();
      for (Header h : base.headers()) {
        n -= h.name().length() + h.value().length() + 4L;
      }
      for (Header h : headers) {
        n += h.name().length() + h.value().length() + 4L;
      }
      return n;
    }

    @Override
    public String rawBody() {
      return base.rawBody();
    }

    @Override
    public List<BodyPart> bodyParts() {
      return base.bodyParts();
    }
  }
}
