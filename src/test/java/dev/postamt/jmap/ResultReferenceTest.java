package dev.postamt.jmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postamt.jmap.json.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** RFC 8620 §3.7 back-references, with the JSON Pointer and {@code *} examples of the RFC. */
class ResultReferenceTest {
  @SuppressWarnings("unchecked")
  private static Map<String, Object> obj(String json) throws Exception {
    return (Map<String, Object>) Json.parse(json);
  }

  @Test
  void theRfcExampleFlattensThreadIdsAndEmailIds() throws Exception {
    Map<String, Object> threads = obj("{\"list\":[{\"id\":\"t1\",\"emailIds\":[\"e1\",\"e2\"]},"
        + "{\"id\":\"t2\",\"emailIds\":[\"e3\"]}]}");
    assertThat(ResultReference.evaluate(threads, "/list/*/emailIds")).isEqualTo(List.of("e1", "e2", "e3"));
    assertThat(ResultReference.evaluate(threads, "/list/*/id")).isEqualTo(List.of("t1", "t2"));
    assertThat(ResultReference.evaluate(threads, "/list/1/id")).isEqualTo("t2");
    assertThat(ResultReference.evaluate(obj("{\"a/b\":{\"c~d\":5}}"), "/a~1b/c~0d")).isEqualTo(5L);
    assertThat(ResultReference.evaluate(threads, "")).isSameAs(threads);
  }

  @Test
  void badPathsAreRefused() throws Exception {
    Map<String, Object> v = obj("{\"list\":[1,2],\"n\":null}");
    for (String path : List.of("list", "/nope", "/list/2", "/list/01", "/list/-1", "/n/x", "/list/0/x")) {
      assertThatThrownBy(() -> ResultReference.evaluate(v, path)).as(path).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void resolvesAgainstTheNamedEarlierResponse() throws Exception {
    List<ResultReference.Done> done = List.of(new ResultReference.Done("Email/query", obj("{\"ids\":[\"a\",\"b\"]}"), "q"));
    Map<String, Object> args = obj("{\"accountId\":\"x\",\"#ids\":{\"resultOf\":\"q\",\"name\":\"Email/query\",\"path\":\"/ids\"}}");
    assertThat(ResultReference.resolve(args, done)).isEqualTo(Map.of("accountId", "x", "ids", List.of("a", "b")));
  }

  @Test
  void aReferenceThatCannotBeFollowedIsInvalidResultReference() throws Exception {
    List<ResultReference.Done> done = List.of(new ResultReference.Done("error", obj("{\"type\":\"x\"}"), "q"));
    for (String ref : List.of(
        "{\"#ids\":{\"resultOf\":\"q\",\"name\":\"Email/query\",\"path\":\"/ids\"}}",
        "{\"#ids\":{\"resultOf\":\"zz\",\"name\":\"error\",\"path\":\"/type\"}}",
        "{\"#ids\":{\"resultOf\":\"q\",\"name\":\"error\",\"path\":\"/nope\"}}",
        "{\"#ids\":\"q\"}")) {
      assertThatThrownBy(() -> ResultReference.resolve(obj(ref), done)).as(ref).isInstanceOfSatisfying(MethodError.class,
          e -> assertThat(e.type()).isEqualTo("invalidResultReference"));
    }
    assertThatThrownBy(() -> ResultReference.resolve(obj("{\"ids\":[],\"#ids\":{}}"), done))
        .isInstanceOfSatisfying(MethodError.class, e -> assertThat(e.type()).isEqualTo("invalidArguments"));
  }
}
