package dev.postamt.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The trail's fields column: JSON strings escaped as RFC 8259 asks, and read back as written. */
class FieldsJsonTest {
  @Test
  void writesPlainAndEscapedStringsAndReadsThemBack() {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("check", "spam");
    fields.put("reason", "say \"hi\"\\ there");
    fields.put("text", "x\ny\rz\tw\u0001v\u001f");
    fields.put("name", "Zoë 😀");
    fields.put("empty", "");
    String json = FieldsJson.write(fields);
    assertThat(json).isEqualTo("{\"check\":\"spam\",\"reason\":\"say \\\"hi\\\"\\\\ there\","
        + "\"text\":\"x\\ny\\rz\\tw\\u0001v\\u001f\",\"name\":\"Zoë 😀\",\"empty\":\"\"}");
    assertThat(FieldsJson.read(json)).containsExactlyEntriesOf(fields);
    assertThat(FieldsJson.write(Map.of())).isEqualTo("{}");
  }
}
