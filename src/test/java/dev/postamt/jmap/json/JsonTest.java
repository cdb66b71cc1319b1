package dev.postamt.jmap.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The strict parser against RFC 8259 and I-JSON (RFC 7493), and the writer round trip. */
class JsonTest {
  @Test
  void parsesEveryKindOfValue() throws Exception {
    Object v = Json.parse(" {\"a\":[1,-2.5,1e3,true,false,null,\"x\\u00e9\\n\\\"\\/\"],\"b\":{},\"c\":[],\"big\":12345678901234567890}\r\n");
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("a", Arrays.asList(1L, -2.5, 1000.0, true, false, null, "xé\n\"/"));
    expected.put("b", Map.of());
    expected.put("c", List.of());
    expected.put("big", 1.2345678901234567e19);
    assertThat(v).isEqualTo(expected);
  }

  @Test
  void keepsMemberOrderAndSurrogatePairs() throws Exception {
    assertThat(Json.parse("{\"z\":1,\"a\":2}")).asString().isEqualTo("{z=1, a=2}");
    assertThat(Json.parse("\"\\ud83d\\ude00\"")).isEqualTo("😀");
    assertThat(Json.parse("\"😀\"".getBytes(StandardCharsets.UTF_8))).isEqualTo("😀");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", " ", "{", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "[01]", "[1.]", "[.5]", "[+1]", "[1e]", "[-]", "tru", "nul",
      "'a'", "\"a", "\"\\x\"", "\"\\u12\"", "\"a\tb\"", "{\"a\":1,\"a\":2}", "[1] [2]", "{a:1}", "\"\\ud800\"",
      "\"\\udc00x\"", "[NaN]", "[Infinity]", "[1e999]"})
  void refusesWhatIsNotIJson(String text) {
    assertThatThrownBy(() -> Json.parse(text)).isInstanceOf(JsonException.class);
  }

  @Test
  void refusesBytesThatAreNotUtf8AndDeepNesting() {
    assertThatThrownBy(() -> Json.parse(new byte[] {'"', (byte) 0xc3, '"'})).isInstanceOf(JsonException.class)
        .hasMessageContaining("UTF-8");
    String deep = "[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1);
    assertThatThrownBy(() -> Json.parse(deep)).isInstanceOf(JsonException.class).hasMessageContaining("nested");
    String ok = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
    org.assertj.core.api.Assertions.assertThatCode(() -> Json.parse(ok)).doesNotThrowAnyException();
  }

  @Test
  void errorsNameTheOffset() {
    assertThatThrownBy(() -> Json.parse("{\"a\":1,\"a\":2}")).isInstanceOfSatisfying(JsonException.class,
        e -> assertThat(e.offset()).isEqualTo(7));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"a\":[1,2.5,true,null,\"q\\\"\\\\\\n\"]}",
      "[\"\\u0001\\u2028\",-7,{}]",
      "\"ü😀\""})
  void writesWhatItReads(String text) throws Exception {
    Object v = Json.parse(text);
    assertThat(Json.parse(Json.write(v))).isEqualTo(v);
    assertThat(Json.write(v)).doesNotContain("\u2028").doesNotContain("\u0001");
  }

  @Test
  void writesIntegralDoublesWithoutAFraction() {
    assertThat(Json.write(List.of(3.0, 2.5, 7, 8L))).isEqualTo("[3,2.5,7,8]");
    assertThatThrownBy(() -> Json.write(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
  }
}
