package dev.postamt.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The unfolding of our own prepended fields, as the regex it replaces did it. */
class MessageEditsTest {
  @Test
  void unfoldIsTheRegexReplacement() {
    Random r = new Random(5);
    String alphabet = "\r\n \ta=;";
    for (int n = 0; n < 20_000; n++) {
      StringBuilder b = new StringBuilder();
      for (int i = 0, len = r.nextInt(16); i < len; i++) {
        b.append(alphabet.charAt(r.nextInt(alphabet.length())));
      }
      String v = b.toString();
      assertThat(MessageEdits.unfold(v)).as("%s", v.replace("\r", "\\r").replace("\n", "\\n"))
          .isEqualTo(v.replaceAll("\\r\\n[ \\t]", " "));
    }
  }

  @Test
  void prependedFindsOurFieldUnfolded() {
    MessageEdits e = new MessageEdits();
    e.prepend("Authentication-Results: mx.example;\r\n\tspf=pass smtp.mailfrom=a@b.example\r\n");
    e.prepend("ARC-Seal: i=1; cv=none\r\n");
    assertThat(e.prepended("authentication-results")).isEqualTo("mx.example; spf=pass smtp.mailfrom=a@b.example");
    assertThat(e.prepended("DKIM-Signature")).isNull();
  }
}
