package dev.postamt.jmap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.jmap.json.Json;
import dev.postamt.sieve.store.SieveScripts;
import dev.postamt.testing.TestServer;
import dev.postamt.web.HttpTestClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SieveScript over JMAP (RFC 9661) on the store ManageSieve and delivery share: create with
 * activation, the compiler's errors for a bad script, validate, rename keeping the id, download of
 * the content, and destroy refused for the active script.
 */
class JmapSieveScriptTest {
  @RegisterExtension static final TestServer t = TestServer.create().listen("https").user("sue");

  static final String USER = "sue@example.test";

  @SuppressWarnings("unchecked")
  static List<List<Object>> call(Object... nameArgs) throws Exception {
    List<Object> calls = new ArrayList<>();
    for (int i = 0; i < nameArgs.length; i += 2) {
      Map<String, Object> args = new LinkedHashMap<>((Map<String, Object>) nameArgs[i + 1]);
      args.putIfAbsent("accountId", Ids.account(USER));
      calls.add(List.of(nameArgs[i], args, "c" + i));
    }
    Map<String, Object> req = Map.of("using", List.of(JmapApi.CORE, JmapApi.SIEVE), "methodCalls", calls);
    return (List<List<Object>>) HttpTestClient.of(t, "https", USER).jmap(Json.write(req)).get("methodResponses");
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> args(List<List<Object>> responses, int k) {
    return (Map<String, Object>) responses.get(k).get(1);
  }

  @SuppressWarnings("unchecked")
  static String upload(String text) throws Exception {
    HttpResponse<String> r = HttpTestClient.of(t, "https", USER).post("/jmap/upload/" + Ids.account(USER) + "/",
        "application/sieve", text.getBytes(StandardCharsets.UTF_8));
    return (String) ((Map<String, Object>) Json.parse(r.body())).get("blobId");
  }

  @Test
  @SuppressWarnings("unchecked")
  void scriptsAreCreatedValidatedActivatedRenamedAndRead() throws Exception {
    String good = "require \"fileinto\";\r\nif header :contains \"subject\" \"[list]\" { fileinto \"Lists\"; }\r\n";
    String goodBlob = upload(good);
    String badBlob = upload("require \"fileinto\";\r\nfileinto;\r\n");
    List<List<Object>> r = call(
        "SieveScript/set", Map.of("create", Map.of("a", Map.of("name", "lists", "blobId", goodBlob),
            "b", Map.of("name", "broken", "blobId", badBlob)), "onSuccessActivateScript", "#a"),
        "SieveScript/validate", Map.of("blobId", badBlob),
        "SieveScript/validate", Map.of("blobId", goodBlob));
    String id = (String) ((Map<String, Map<String, Object>>) args(r, 0).get("created")).get("a").get("id");
    Map<String, Object> broken = ((Map<String, Map<String, Object>>) args(r, 0).get("notCreated")).get("b");
    assertThat(broken).containsEntry("type", "invalidSieve");
    assertThat((String) broken.get("description")).startsWith("2:");
    assertThat((Map<String, Object>) args(r, 1).get("error")).containsEntry("type", "invalidSieve");
    assertThat(args(r, 2)).containsEntry("error", null);
    SieveScripts store = t.server.sieveScripts();
    assertThat(store.active(USER)).hasValueSatisfying(s -> assertThat(s.name()).isEqualTo("lists"));

    List<List<Object>> after = call(
        "SieveScript/set", Map.of("update", Map.of(id, Map.of("name", "mailing-lists")), "destroy", List.of(id)),
        "SieveScript/query", Map.of("filter", Map.of("isActive", true)),
        "SieveScript/get", Map.of("ids", List.of(id)));
    assertThat((Map<String, Object>) args(after, 0).get("updated")).containsKey(id);
    assertThat(((Map<String, Map<String, Object>>) args(after, 0).get("notDestroyed")).get(id))
        .containsEntry("type", "scriptIsActive");
    assertThat(args(after, 1).get("ids")).isEqualTo(List.of(id));
    Map<String, Object> script = ((List<Map<String, Object>>) args(after, 2).get("list")).getFirst();
    assertThat(script).containsEntry("id", id).containsEntry("name", "mailing-lists").containsEntry("isActive", true);
    HttpResponse<byte[]> content = HttpTestClient.of(t, "https", USER).getBytes("/jmap/download/" + Ids.account(USER)
        + "/" + script.get("blobId") + "/script.sieve?type=application/sieve");
    assertThat(new String(content.body(), StandardCharsets.UTF_8)).isEqualTo(good);

    List<List<Object>> gone = call("SieveScript/set", Map.of("onSuccessDeactivateScript", true),
        "SieveScript/set", Map.of("destroy", List.of(id)));
    assertThat(args(gone, 1).get("destroyed")).isEqualTo(List.of(id));
    assertThat(store.list(USER)).isEmpty();
  }
}
