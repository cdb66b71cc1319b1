package dev.postamt.jmap;

import dev.postamt.jmap.json.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JMAP session resource (RFC 8620 §2) a client fetches first, from {@code /.well-known/jmap}
 * (RFC 8620 §2.2): the capabilities with their limits, the one account of the authenticated user, and
 * the URLs of the API, downloads, uploads and the event source. URLs are absolute, made from the
 * scheme and authority the client used.
 */
public final class SessionResource {
  private SessionResource() {}

  /** The session as JSON bytes, for {@code user} reached at {@code base} (e.g. {@code https://mx:443}). */
  public static byte[] json(String user, String base, JmapLimits limits) {
    return Json.bytes(of(user, base, limits, null));
  }

  /** The same, advertising what {@code services} add (submission, vacationresponse, sieve) when not null. */
  public static byte[] json(String user, String base, JmapLimits limits, JmapServices services) {
    return Json.bytes(of(user, base, limits, services));
  }

  static Map<String, Object> of(String user, String base, JmapLimits limits, JmapServices services) {
    Map<String, Object> core = new LinkedHashMap<>();
    core.put("maxSizeUpload", limits.maxSizeUpload());
    core.put("maxConcurrentUpload", (long) limits.maxConcurrentUpload());
    core.put("maxSizeRequest", limits.maxSizeRequest());
    core.put("maxConcurrentRequests", (long) limits.maxConcurrentRequests());
    core.put("maxCallsInRequest", (long) limits.maxCallsInRequest());
    core.put("maxObjectsInGet", (long) limits.maxObjectsInGet());
    core.put("maxObjectsInSet", (long) limits.maxObjectsInSet());
    core.put("collationAlgorithms", List.of("i;ascii-casemap", "i;unicode-casemap"));
    Map<String, Object> caps = new LinkedHashMap<>();
    caps.put(JmapApi.CORE, core);
    caps.put(JmapApi.MAIL, Map.of());

    Map<String, Object> mail = new LinkedHashMap<>();
    mail.put("maxMailboxesPerEmail", 1L); // the store keeps a message in one mailbox
    mail.put("maxMailboxDepth", (long) dev.postamt.store.MailboxNames.MAX_LEVELS);
    mail.put("maxSizeMailboxName", (long) dev.postamt.store.MailboxNames.MAX_LEVEL_BYTES);
    mail.put("maxSizeAttachmentsPerEmail", limits.maxSizeUpload());
    mail.put("emailQuerySortOptions", EmailQuery.SORTS);
    mail.put("mayCreateTopLevelMailbox", true);
    Map<String, Object> account = new LinkedHashMap<>();
    account.put("name", user);
    account.put("isPersonal", true);
    account.put("isReadOnly", false);
    Map<String, Object> accountCaps = new LinkedHashMap<>();
    accountCaps.put(JmapApi.CORE, Map.of());
    accountCaps.put(JmapApi.MAIL, mail);
    String id = Ids.account(user);
    Map<String, Object> primary = new LinkedHashMap<>();
    primary.put(JmapApi.CORE, id);
    primary.put(JmapApi.MAIL, id);
    if (services != null) {
      // RFC 8621 §1.3.2: no delayed send (undoStatus is final at once), envelope extensions we take
      Map<String, Object> submission = new LinkedHashMap<>();
      submission.put("maxDelayedSend", 0L);
      submission.put("submissionExtensions", Map.of());
      caps.put(JmapApi.SUBMISSION, Map.of());
      caps.put(JmapApi.VACATION, Map.of());
      caps.put(JmapApi.SIEVE, Map.of());
      accountCaps.put(JmapApi.SUBMISSION, submission);
      accountCaps.put(JmapApi.VACATION, Map.of());
      // RFC 9661 §2
      Map<String, Object> sieve = new LinkedHashMap<>();
      sieve.put("maxSizeScriptName", 128L);
      sieve.put("maxSizeScript", services.scripts.limits().maxScriptBytes() == 0 ? null : services.scripts.limits().maxScriptBytes());
      sieve.put("maxNumberScripts", services.scripts.limits().maxScripts() == 0 ? null : (long) services.scripts.limits().maxScripts());
      sieve.put("maxNumberRedirects", null);
      sieve.put("sieveExtensions", services.sieveExtensions);
      sieve.put("notificationMethods", List.of("mailto"));
      sieve.put("externalLists", null);
      accountCaps.put(JmapApi.SIEVE, sieve);
      primary.put(JmapApi.SUBMISSION, id);
      primary.put(JmapApi.VACATION, id);
      primary.put(JmapApi.SIEVE, id);
    }
    account.put("accountCapabilities", accountCaps);

    Map<String, Object> s = new LinkedHashMap<>();
    s.put("capabilities", caps);
    s.put("accounts", Map.of(id, account));
    s.put("primaryAccounts", primary);
    s.put("username", user);
    s.put("apiUrl", base + "/jmap/api");
    s.put("downloadUrl", base + "/jmap/download/{accountId}/{blobId}/{name}?type={type}");
    s.put("uploadUrl", base + "/jmap/upload/{accountId}/");
    s.put("eventSourceUrl", base + "/jmap/eventsource?types={types}&closeafter={closeafter}&ping={ping}");
    s.put("state", state(user));
    return s;
  }

  /** The session state: changes only when what the session lists changes (not for now: one account). */
  static String state(String user) {
    return "s1" + Ids.account(user).substring(1, 9);
  }
}
