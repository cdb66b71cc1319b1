package dev.postamt.jmap;

import dev.postamt.sieve.Diagnostic;
import dev.postamt.sieve.ScriptLoader;
import dev.postamt.sieve.SieveCompileException;
import dev.postamt.sieve.SieveCompiler;
import dev.postamt.sieve.ext.Extensions;
import dev.postamt.sieve.store.SieveScripts;
import dev.postamt.sieve.store.SieveStoreException;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code SieveScript/get}, {@code /set}, {@code /query} and {@code /validate} (RFC 9661) over {@link
 * SieveScripts}, the store ManageSieve and delivery use. A script's content is a blob: uploaded before
 * {@code /set}, and for {@code /get} kept as an upload named by its hash ({@link Blobs#keep}) so that
 * the download URL serves it. A script that does not compile is refused with {@code invalidSieve} and
 * the compiler's errors ({@code LINE:COLUMN: message}) in the description. Ids are kept per script
 * name in {@code jmap.db}, so a rename keeps the id; a script made over ManageSieve gets one when JMAP
 * first sees it. The state is the store's version of the user's scripts.
 */
final class SieveScriptMethods {
  private static final String TYPE = "SieveScriptName";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final SieveCompiler COMPILER = Extensions.standardCompiler();

  private SieveScriptMethods() {}

  /** The extensions scripts may require, for the session resource (RFC 9661 §2 sieveExtensions). */
  static List<String> extensions() {
    return COMPILER.capabilities().stream().sorted().toList();
  }

  private record Named(String id, SieveScripts.Script script) {}

  /** The user's scripts with their ids, giving new ones an id and forgetting ids of scripts gone. */
  private static List<Named> scripts(CallContext c) throws MethodError {
    JmapServices s = IdentityMethods.services(c);
    List<SieveScripts.Script> list;
    try {
      list = s.scripts.list(c.user);
    } catch (SieveStoreException e) {
      throw new MethodError("serverFail", "cannot read the Sieve scripts: " + e.getMessage());
    }
    Map<String, String> idOf = new LinkedHashMap<>();
    for (JmapRecords.Stored st : s.records.list(c.user, TYPE)) {
      idOf.put(String.valueOf(st.json().get("name")), st.id());
    }
    List<Named> out = new ArrayList<>();
    for (SieveScripts.Script sc : list) {
      String id = idOf.remove(sc.name());
      if (id == null) {
        id = newId();
        s.records.put(c.user, TYPE, id, Map.of("name", sc.name()));
      }
      out.add(new Named(id, sc));
    }
    idOf.values().forEach(id -> s.records.destroy(c.user, TYPE, id));
    return out;
  }

  private static String newId() {
    byte[] r = new byte[10];
    RANDOM.nextBytes(r);
    return "Z" + HexFormat.of().formatHex(r);
  }

  private static String state(CallContext c) throws MethodError {
    try {
      return "v" + IdentityMethods.services(c).scripts.version(c.user);
    } catch (SieveStoreException e) {
      throw new MethodError("serverFail", e.getMessage());
    }
  }

  static Map<String, Object> get(CallContext c, Args a) throws MethodError {
    JmapServices s = IdentityMethods.services(c);
    List<String> ids = a.strings("ids");
    List<String> props = a.strings("properties");
    String state = state(c);
    List<Named> all = scripts(c);
    List<Object> list = new ArrayList<>();
    List<Object> notFound = new ArrayList<>();
    for (String id : ids == null ? all.stream().map(Named::id).toList() : new ArrayList<>(new LinkedHashSet<>(ids))) {
      Optional<Named> n = all.stream().filter(x -> x.id().equals(id)).findFirst();
      if (n.isEmpty()) {
        notFound.add(id);
        continue;
      }
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("id", id);
      o.put("name", n.get().script().name());
      o.put("isActive", n.get().script().active());
      if (props == null || props.contains("blobId")) {
        try {
          String text = s.scripts.get(c.user, n.get().script().name()).map(SieveScripts.Script::text).orElse("");
          o.put("blobId", s.blobs.keep(c.user, text.getBytes(StandardCharsets.UTF_8), "application/sieve"));
        } catch (SieveStoreException | IOException e) {
          throw new MethodError("serverFail", "cannot read the script: " + e.getMessage());
        }
      }
      list.add(IdentityMethods.select(o, props));
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("accountId", c.accountId);
    r.put("state", state);
    r.put("list", list);
    r.put("notFound", notFound);
    return r;
  }

  static Map<String, Object> query(CallContext c, Args a) throws MethodError {
    Map<String, Object> filter = a.object("filter");
    List<Map<String, Object>> sort = a.objects("sort");
    String state = state(c);
    List<Named> hits = new ArrayList<>();
    for (Named n : scripts(c)) {
      boolean ok = true;
      if (filter != null) {
        for (Map.Entry<String, Object> e : filter.entrySet()) {
          ok &= switch (e.getKey()) {
            case "name" -> n.script().name().toLowerCase(Locale.ROOT).contains(String.valueOf(e.getValue()).toLowerCase(Locale.ROOT));
            case "isActive" -> e.getValue() instanceof Boolean b && b == n.script().active();
            default -> throw new MethodError("unsupportedFilter", "no SieveScript filter " + e.getKey());
          };
        }
      }
      if (ok) {
        hits.add(n);
      }
    }
    Comparator<Named> order = Comparator.comparing(n -> n.script().name());
    if (sort != null && !sort.isEmpty()) {
      String p = String.valueOf(sort.getFirst().get("property"));
      order = switch (p) {
        case "name" -> Comparator.comparing(n -> n.script().name());
        case "isActive" -> Comparator.comparing((Named n) -> n.script().active()).thenComparing(n -> n.script().name());
        default -> throw new MethodError("unsupportedSort", "cannot sort by " + p);
      };
      if (Boolean.FALSE.equals(sort.getFirst().get("isAscending"))) {
        order = order.reversed();
      }
    }
    hits.sort(order);
    return EmailQuery.window(c, a, hits.stream().map(Named::id).toList(), state);
  }

  static Map<String, Object> validate(CallContext c, Args a) throws MethodError {
    String blobId = a.requiredString("blobId");
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("accountId", c.accountId);
    try {
      compile(c, "validate", text(c, blobId));
      r.put("error", null);
    } catch (SetError e) {
      r.put("error", e.error);
    }
    return r;
  }

  private static String text(CallContext c, String blobId) throws SetError {
    byte[] b = EmailCreate.blob(c, blobId, "blobId");
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(b)).toString();
    } catch (CharacterCodingException e) {
      throw new SetError("invalidSieve", "a Sieve script is UTF-8 text (RFC 5228 §2.1)");
    }
  }

  private static void compile(CallContext c, String name, String text) throws SetError {
    SieveScripts scripts = c.services.scripts;
    if (scripts.limits().tooLarge(text.getBytes(StandardCharsets.UTF_8).length)) {
      throw new SetError("tooLarge", "the script is larger than " + scripts.limits().maxScriptBytes() + " bytes");
    }
    ScriptLoader loader = (n, location) -> {
      if (location != ScriptLoader.Location.PERSONAL) {
        return Optional.empty();
      }
      try {
        return scripts.get(c.user, n).map(SieveScripts.Script::text);
      } catch (SieveStoreException e) {
        return Optional.empty();
      }
    };
    try {
      COMPILER.withLoader(loader).compile(name, text);
    } catch (SieveCompileException e) {
      throw new SetError("invalidSieve", e.errors().stream().map(Diagnostic::toString).collect(Collectors.joining("\n")));
    }
  }

  static Map<String, Object> set(CallContext c, Args a) throws MethodError {
    JmapServices s = IdentityMethods.services(c);
    SetRequest req = SetRequest.of(a, state(c));
    Map<String, Object> create = req.create;
    Map<String, Object> update = req.update;
    List<String> destroy = req.destroy;
    String oldState = req.oldState;
    Map<String, Object> created = new LinkedHashMap<>();
    Map<String, Object> notCreated = new LinkedHashMap<>();
    Map<String, String> createdIds = new LinkedHashMap<>();
    if (create != null) {
      for (Map.Entry<String, Object> e : create.entrySet()) {
        try {
          if (!(e.getValue() instanceof Map<?, ?> obj) || !(obj.get("blobId") instanceof String blobId)) {
            throw SetError.invalid("blobId", "a SieveScript needs a blobId");
          }
          String name = obj.get("name") instanceof String n ? n : "script-" + e.getKey();
          if (scripts(c).stream().anyMatch(x -> x.script().name().equals(name))) {
            SetError err = new SetError("alreadyExists", "there is a script named " + name);
            throw err;
          }
          String text = text(c, blobId);
          compile(c, name, text);
          s.scripts.put(c.user, name, text);
          String id = scripts(c).stream().filter(x -> x.script().name().equals(name)).findFirst().map(Named::id)
              .orElseThrow(() -> new SetError("serverFail", "the script went away"));
          createdIds.put(e.getKey(), id);
          Map<String, Object> out = new LinkedHashMap<>();
          out.put("id", id);
          out.put("name", name);
          out.put("isActive", false);
          out.put("blobId", blobId);
          created.put(e.getKey(), out);
        } catch (SetError f) {
          notCreated.put(e.getKey(), f.error);
        } catch (SieveStoreException x) {
          notCreated.put(e.getKey(), storeError(x));
        }
      }
    }
    List<String> updated = new ArrayList<>();
    Map<String, Object> notUpdated = new LinkedHashMap<>();
    if (update != null) {
      for (Map.Entry<String, Object> e : update.entrySet()) {
        try {
          Named n = scripts(c).stream().filter(x -> x.id().equals(e.getKey())).findFirst()
              .orElseThrow(() -> new SetError("notFound", null));
          if (!(e.getValue() instanceof Map<?, ?> patch)) {
            throw new SetError("invalidPatch", "the patch must be an object");
          }
          String name = n.script().name();
          if (patch.get("blobId") instanceof String blobId) {
            String text = text(c, blobId);
            compile(c, name, text);
            s.scripts.put(c.user, name, text);
          }
          if (patch.get("name") instanceof String newName && !newName.equals(name)) {
            s.scripts.rename(c.user, name, newName);
            s.records.put(c.user, TYPE, n.id(), Map.of("name", newName));
          }
          for (Object k : patch.keySet()) {
            if (!List.of("blobId", "name", "id", "isActive").contains(String.valueOf(k))) {
              throw SetError.invalid(String.valueOf(k), "no SieveScript property " + k);
            }
          }
          updated.add(e.getKey());
        } catch (SetError f) {
          notUpdated.put(e.getKey(), f.error);
        } catch (SieveStoreException x) {
          notUpdated.put(e.getKey(), storeError(x));
        }
      }
    }
    List<String> destroyed = new ArrayList<>();
    Map<String, Object> notDestroyed = new LinkedHashMap<>();
    if (destroy != null) {
      for (String id : destroy) {
        Optional<Named> n = scripts(c).stream().filter(x -> x.id().equals(id)).findFirst();
        if (n.isEmpty()) {
          notDestroyed.put(id, SetError.of("notFound", null));
          continue;
        }
        try {
          if (n.get().script().active()) {
            notDestroyed.put(id, SetError.of("scriptIsActive", "deactivate the script first"));
            continue;
          }
          s.scripts.delete(c.user, n.get().script().name());
          s.records.destroy(c.user, TYPE, id);
          destroyed.add(id);
        } catch (SieveStoreException x) {
          notDestroyed.put(id, storeError(x));
        }
      }
    }
    activation(c, a, createdIds);
    return SetError.response(c.accountId, oldState, state(c), created, updated, Map.of(), destroyed, notCreated,
        notUpdated, notDestroyed);
  }

  /** RFC 9661 §2.2: onSuccessActivateScript (an id or {@code #creationId}) and onSuccessDeactivateScript. */
  private static void activation(CallContext c, Args a, Map<String, String> createdIds) throws MethodError {
    String activate = a.string("onSuccessActivateScript");
    boolean deactivate = a.bool("onSuccessDeactivateScript", false);
    try {
      if (activate != null) {
        String id = activate.startsWith("#") ? createdIds.get(activate.substring(1)) : activate;
        Optional<Named> n = id == null ? Optional.empty() : scripts(c).stream().filter(x -> x.id().equals(id)).findFirst();
        if (n.isPresent()) {
          c.services.scripts.activate(c.user, n.get().script().name());
        }
      } else if (deactivate) {
        c.services.scripts.activate(c.user, null);
      }
    } catch (SieveStoreException e) {
      throw new MethodError("serverFail", "cannot change the active script: " + e.getMessage());
    }
  }

  private static Map<String, Object> storeError(SieveStoreException e) {
    return switch (e.kind()) {
      case QUOTA -> SetError.of("overQuota", e.getMessage());
      case BAD_NAME -> SetError.of("invalidProperties", e.getMessage());
      case ALREADY_EXISTS -> SetError.of("alreadyExists", e.getMessage());
      case ACTIVE -> SetError.of("scriptIsActive", e.getMessage());
      case NONEXISTENT -> SetError.of("notFound", e.getMessage());
      default -> SetError.of("serverFail", e.getMessage());
    };
  }
}
