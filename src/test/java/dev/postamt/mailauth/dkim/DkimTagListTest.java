package dev.postamt.mailauth.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The RFC 6376 §3.2 tag-list grammar. */
class DkimTagListTest {
  @Test
  void parsesWithFoldingWhiteSpace() throws Exception {
    TagList t = TagList.parse(" v=1; a = rsa-sha256 ;\r\n\th=from : to;\r\n b=abc\r\n def ;");
    assertThat(t.names()).containsExactly("v", "a", "h", "b");
    assertThat(t.get("a")).contains("rsa-sha256");
    assertThat(t.get("h")).contains("from : to");
    assertThat(t.get("b")).contains("abc\r\n def");
    assertThat(TagList.withoutWhiteSpace(t.get("b").orElseThrow())).isEqualTo("abcdef");
    assertThat(t.withEmptyValue("b")).isEqualTo(" v=1; a = rsa-sha256 ;\r\n\th=from : to;\r\n b=;");
    assertThat(TagList.parse("").names()).isEmpty();
    assertThat(TagList.parse("x=").get("x")).contains("");
  }

  @Test
  void emptyingBTouchesOnlyB() throws Exception {
    TagList t = TagList.parse("bh=AAA=; b= XYZ= ; d=x");
    assertThat(t.withEmptyValue("b")).isEqualTo("bh=AAA=; b=; d=x");
    assertThat(TagList.parse("b=XYZ").withEmptyValue("b")).isEqualTo("b=");
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "v=1; v=1", // duplicate
    "t; p=abc", // no '='
    "1a=b", // tag name must start with a letter
    "a=b\nc", // bare LF not followed by white space
    "a=b\r\nc=d", // CRLF not a fold
    "a=\u0001",
    "a-b=c",
    ";;",
  })
  void rejects(String text) {
    assertThatThrownBy(() -> TagList.parse(text)).isInstanceOf(TagList.SyntaxException.class);
  }
}
