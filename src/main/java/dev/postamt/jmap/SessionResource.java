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
    return Json.bytes(of(user, base, limits));
  }

  static Map<String, Object> of(String user, String base, JmapLimits limits) {
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
    account.put("accountCapabilities", Map.of(JmapApi.CORE, Map.of(), JmapApi.MAIL, mail));
    String id = Ids.account(user);

    Map<String, Object> s = new LinkedHashMap<>();
    s.put("capabilities", caps);
    s.put("accounts", Map.of(id, account));
    s.put("primaryAccounts", Map.of(JmapApi.CORE, id, JmapApi.MAIL, id));
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
