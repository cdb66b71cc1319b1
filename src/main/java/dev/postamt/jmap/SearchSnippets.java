package dev.postamt.jmap;

import dev.postamt.search.Snippets;
import dev.postamt.store.MessageContent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.lucene.search.Query;

/**
 * {@code SearchSnippet/get} (RFC 8621 §5.1): for each Email id, the subject and a preview with the words
 * of the filter's {@code text}, {@code subject} and {@code body} conditions marked {@code <mark>}, HTML
 * escaped elsewhere; null where nothing matched. Conditions under a {@code NOT} are not highlighted.
 */
final class SearchSnippets {
  private SearchSnippets() {}

  static Map<String, Object> get(CallContext c, Args a) throws MethodError {
    Map<String, Object> filter = a.object("filter");
    List<String> ids = a.strings("emailIds");
    if (ids == null) {
      throw new MethodError("invalidArguments", "emailIds is required");
    }
    if (ids.size() > c.limits.maxObjectsInGet()) {
      throw new MethodError("requestTooLarge", "more than " + c.limits.maxObjectsInGet() + " emailIds");
    }
    List<String[]> conditions = new ArrayList<>();
    if (filter != null) {
      collect(filter, conditions, 0);
    }
    for (String[] cond : conditions) {
      if (cond[1].length() > 1000) {
        throw new MethodError("invalidArguments", cond[0] + " is longer than 1000 characters");
      }
    }
    Query q = Snippets.query(conditions);
    List<Object> list = new ArrayList<>();
    List<String> notFound = new ArrayList<>();
    for (String id : ids) {
      Optional<CallContext.Found> f = Ids.email(id).flatMap(c::find);
      Optional<MessageContent> content = f.flatMap(x -> c.account.open(x.mailbox(), x.message()));
      if (content.isEmpty()) {
        notFound.add(id);
        continue;
      }
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("emailId", id);
      s.put("subject", null);
      s.put("preview", null);
      try (MessageContent mc = content.get()) {
        if (q != null) {
          Snippets.Snippet snip = Snippets.of(q, mc.readAllBytes());
          s.put("subject", snip.subject());
          s.put("preview", snip.preview());
        }
      } catch (IOException e) {
        throw new MethodError("serverFail", "cannot read " + id + ": " + e.getMessage());
      }
      list.add(s);
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("accountId", c.accountId);
    r.put("list", list);
    r.put("notFound", notFound.isEmpty() ? null : notFound);
    return r;
  }

  @SuppressWarnings("unchecked")
  private static void collect(Map<String, Object> f, List<String[]> out, int depth) throws MethodError {
    if (depth > 16) {
      throw new MethodError("unsupportedFilter", "filter nested too deeply");
    }
    if (f.containsKey("operator")) {
      if ("NOT".equals(f.get("operator")) || !(f.get("conditions") instanceof List<?> conds)) {
        return;
      }
      for (Object o : conds) {
        if (o instanceof Map<?, ?> m) {
          collect((Map<String, Object>) m, out, depth + 1);
        }
      }
      return;
    }
    for (String k : List.of("text", "subject", "body")) {
      if (f.get(k) instanceof String s) {
        out.add(new String[] {k, s});
      }
    }
  }
}
