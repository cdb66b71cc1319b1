package dev.postamt.jmap;

import dev.postamt.jmap.json.Json;
import dev.postamt.jmap.json.JsonException;
import dev.postamt.store.Account;
import dev.postamt.store.MailStore;
import dev.postamt.store.StoreException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JMAP API endpoint (RFC 8620 §3): one request body in, one response body out. Request-level
 * problems are RFC 7807 problem details ({@link Answer#status} 400); each method call is answered on
 * its own, a failing call with an error response while the others go on (§3.6).
 *
 * <p>The methods are a table ({@link #METHODS}): name, the capability that must be in {@code using},
 * and the handler. Everything here runs on the calling (virtual) thread and blocks on the store.
 */
public final class JmapApi {
  private static final Logger log = LoggerFactory.getLogger(JmapApi.class);
  public static final String CORE = "urn:ietf:params:jmap:core";
  public static final String MAIL = "urn:ietf:params:jmap:mail";
  public static final String SUBMISSION = "urn:ietf:params:jmap:submission";
  public static final String VACATION = "urn:ietf:params:jmap:vacationresponse";
  public static final String SIEVE = "urn:ietf:params:jmap:sieve";
  static final Set<String> CAPABILITIES = Set.of(CORE, MAIL);
  /** With {@link JmapServices}: sending, identities, the vacation reply and Sieve scripts too. */
  static final Set<String> ALL_CAPABILITIES = Set.of(CORE, MAIL, SUBMISSION, VACATION, SIEVE);
  private static final String ERROR = "urn:ietf:params:jmap:error:";

  /** What the HTTP side sends back. */
  public record Answer(int status, String contentType, byte[] body) {
    static Answer json(Object v) {
      return new Answer(200, "application/json", Json.bytes(v));
    }

    /** RFC 8620 §3.6.1 request-level error, as RFC 7807 problem details. */
    static Answer problem(String type, String detail, Map<String, Object> extra) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("type", ERROR + type);
      m.put("status", 400L);
      m.put("detail", detail);
      m.putAll(extra);
      return new Answer(400, "application/problem+json", Json.bytes(m));
    }
  }

  @FunctionalInterface
  interface Handler {
    Map<String, Object> call(CallContext c, Args args) throws MethodError;
  }

  record Method(String capability, boolean perAccount, Handler handler) {}

  static final Map<String, Method> METHODS = Map.ofEntries(
      Map.entry("Core/echo", new Method(CORE, false, (c, a) -> a.raw())),
      Map.entry("Mailbox/get", new Method(MAIL, true, MailboxMethods::get)),
      Map.entry("Mailbox/query", new Method(MAIL, true, MailboxMethods::query)),
      Map.entry("Mailbox/changes", new Method(MAIL, true, MailboxMethods::changes)),
      Map.entry("Email/get", new Method(MAIL, true, EmailMethods::get)),
      Map.entry("Email/query", new Method(MAIL, true, EmailQuery::query)),
      Map.entry("Email/changes", new Method(MAIL, true, EmailMethods::changes)),
      Map.entry("Email/set", new Method(MAIL, true, EmailSet::set)),
      Map.entry("Email/import", new Method(MAIL, true, EmailImport::importEmails)),
      Map.entry("Email/copy", new Method(MAIL, false, EmailImport::copy)),
      Map.entry("Email/parse", new Method(MAIL, true, EmailImport::parse)),
      Map.entry("Thread/get", new Method(MAIL, true, EmailMethods::threads)),
      Map.entry("Thread/changes", new Method(MAIL, true, EmailMethods::threadChanges)),
      Map.entry("Identity/get", new Method(SUBMISSION, true, IdentityMethods::get)),
      Map.entry("Identity/changes", new Method(SUBMISSION, true, IdentityMethods::changes)),
      Map.entry("Identity/set", new Method(SUBMISSION, true, IdentityMethods::set)),
      Map.entry("EmailSubmission/get", new Method(SUBMISSION, true, SubmissionMethods::get)),
      Map.entry("EmailSubmission/set", new Method(SUBMISSION, true, SubmissionMethods::set)),
      Map.entry("EmailSubmission/query", new Method(SUBMISSION, true, SubmissionMethods::query)),
      Map.entry("EmailSubmission/changes", new Method(SUBMISSION, true, SubmissionMethods::changes)),
      Map.entry("VacationResponse/get", new Method(VACATION, true, VacationMethods::get)),
      Map.entry("VacationResponse/set", new Method(VACATION, true, VacationMethods::set)),
      Map.entry("SieveScript/get", new Method(SIEVE, true, SieveScriptMethods::get)),
      Map.entry("SieveScript/set", new Method(SIEVE, true, SieveScriptMethods::set)),
      Map.entry("SieveScript/query", new Method(SIEVE, true, SieveScriptMethods::query)),
      Map.entry("SieveScript/validate", new Method(SIEVE, true, SieveScriptMethods::validate)));

  private final MailStore store;
  private final JmapLimits limits;
  private final JmapServices services;
  private final Set<String> capabilities;
  private final Threads.Cache threads = new Threads.Cache();
  private final ConcurrentHashMap<String, AtomicInteger> running = new ConcurrentHashMap<>();

  /** Mail only: the core and mail capabilities (no sending, vacation or Sieve). */
  public JmapApi(MailStore store, JmapLimits limits) {
    this(store, limits, null);
  }

  /** @param services what sending, identities, the vacation reply and Sieve scripts need; null: mail only */
  public JmapApi(MailStore store, JmapLimits limits, JmapServices services) {
    this.store = store;
    this.limits = limits;
    this.services = services;
    this.capabilities = services == null ? CAPABILITIES : ALL_CAPABILITIES;
  }

  /** The session resource of {@code user} reached at {@code base}, with this API's capabilities. */
  public byte[] session(String user, String base) {
    return SessionResource.json(user, base, limits, services);
  }

  public JmapLimits limits() {
    return limits;
  }

  /** Answers one API request of {@code user} (already authenticated; the body at most maxSizeRequest). */
  public Answer handle(String user, byte[] body) {
    if (body.length > limits.maxSizeRequest()) {
      return Answer.problem("limit", "the request is larger than maxSizeRequest", Map.of("limit", "maxSizeRequest"));
    }
    Object parsed;
    try {
      parsed = Json.parse(body);
    } catch (JsonException e) {
      return Answer.problem("notJSON", "the request is not I-JSON: " + e.getMessage(), Map.of());
    }
    if (!(parsed instanceof Map<?, ?> req)
        || !(req.get("using") instanceof List<?> using)
        || !(req.get("methodCalls") instanceof List<?> calls)
        || (req.get("createdIds") != null && !(req.get("createdIds") instanceof Map<?, ?>))) {
      return Answer.problem("notRequest", "a request is an object with \"using\" and \"methodCalls\" (RFC 8620 §3.3)", Map.of());
    }
    for (Object u : using) {
      if (!(u instanceof String)) {
        return Answer.problem("notRequest", "\"using\" must be a list of strings", Map.of());
      }
      if (!capabilities.contains(u)) {
        return Answer.problem("unknownCapability", "this server does not support " + u, Map.of());
      }
    }
    if (calls.size() > limits.maxCallsInRequest()) {
      return Answer.problem("limit", "more than " + limits.maxCallsInRequest() + " method calls",
          Map.of("limit", "maxCallsInRequest"));
    }
    for (Object call : calls) {
      if (!(call instanceof List<?> inv) || inv.size() != 3 || !(inv.get(0) instanceof String)
          || !(inv.get(1) instanceof Map<?, ?>) || !(inv.get(2) instanceof String)) {
        return Answer.problem("notRequest", "each method call is [name, arguments, call id]", Map.of());
      }
    }
    AtomicInteger n = running.computeIfAbsent(user, k -> new AtomicInteger());
    if (n.incrementAndGet() > limits.maxConcurrentRequests()) {
      n.decrementAndGet();
      return Answer.problem("limit", "too many requests at once", Map.of("limit", "maxConcurrentRequests"));
    }
    try (Account account = store.open(user)) {
      CallContext ctx = new CallContext(user, account, limits, services, threads.of(user));
      if (req.get("createdIds") instanceof Map<?, ?> given) {
        given.forEach((k, v) -> ctx.created.put(String.valueOf(k), String.valueOf(v)));
      }
      List<ResultReference.Done> done = new ArrayList<>();
      for (Object call : calls) {
        List<?> inv = (List<?>) call;
        run(ctx, using, (String) inv.get(0), castMap(inv.get(1)), (String) inv.get(2), done);
      }
      List<Object> responses = new ArrayList<>();
      for (ResultReference.Done d : done) {
        responses.add(List.of(d.name(), d.arguments(), d.callId()));
      }
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("methodResponses", responses);
      if (req.get("createdIds") != null) {
        out.put("createdIds", new LinkedHashMap<>(ctx.created)); // RFC 8620 §3.3: with those made now
      }
      out.put("sessionState", SessionResource.state(user));
      return Answer.json(out);
    } finally {
      n.decrementAndGet();
    }
  }

  private void run(CallContext ctx, List<?> using, String name, Map<String, Object> args, String callId,
      List<ResultReference.Done> done) {
    Method m = METHODS.get(name);
    try {
      if (m == null || !capabilities.contains(m.capability()) || !using.contains(m.capability())) {
        throw new MethodError("unknownMethod", m == null ? "no method " + name : name + " needs " + m.capability() + " in using");
      }
      Map<String, Object> resolved = ResultReference.resolve(args, done);
      Args a = new Args(resolved);
      if (m.perAccount()) {
        ctx.checkAccount(a);
      }
      ctx.implicit.clear();
      done.add(new ResultReference.Done(name, m.handler().call(ctx, a), callId));
      for (Map.Entry<String, Map<String, Object>> e : ctx.implicit) {
        done.add(new ResultReference.Done(e.getKey(), e.getValue(), callId));
      }
    } catch (MethodError e) {
      done.add(new ResultReference.Done("error", e.arguments(), callId));
    } catch (StoreException e) {
      log.info("jmap: {} for {} failed: {}", name, ctx.user, e.getMessage());
      done.add(new ResultReference.Done("error", new MethodError("serverFail", "the mail store failed: " + e.getMessage()).arguments(), callId));
    } catch (RuntimeException e) {
      log.error("jmap: {} for {} failed", name, ctx.user, e);
      done.add(new ResultReference.Done("error", new MethodError("serverFail", "internal error").arguments(), callId));
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Object o) {
    return (Map<String, Object>) o;
  }
}
