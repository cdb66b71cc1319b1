package dev.postamt.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link MessageIds#find}: the Message-ID of the header section only, unfolded, without brackets. */
class MessageIdsTest {
  private static String find(String message) {
    return MessageIds.find(new ByteArrayInputStream(message.getBytes(StandardCharsets.ISO_8859_1)));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "plain           | From: a@b\\r\\nMessage-ID: <x1@example.test>\\r\\nSubject: s\\r\\n\\r\\nbody\\r\\n  | x1@example.test",
      "lower case name | message-id:<x2@h>\\r\\n\\r\\n                                                  | x2@h",
      "LF only         | Subject: s\\nMESSAGE-ID: <x3@h>\\n\\nbody\\n                                    | x3@h",
      "folded          | Message-ID:\\r\\n\\t<x4@h>\\r\\nTo: c@d\\r\\n\\r\\n                                   | x4@h",
      "no brackets     | Message-ID:  bare@h  \\r\\n\\r\\n                                                | bare@h",
      "comment before  | Message-ID: (c) <x5@h> (d)\\r\\n\\r\\n                                          | x5@h",
      "no empty line   | To: a@b\\r\\nMessage-ID: <x6@h>                                            | x6@h",
      "first of two    | Message-ID: <x7@h>\\r\\nMessage-ID: <x8@h>\\r\\n\\r\\n                            | x7@h",
  })
  void found(String name, String message, String expected) {
    assertEquals(expected, find(message.strip().replace("\\r", "\r").replace("\\n", "\n").replace("\\t", "\t")));
  }

  @Test
  void onlyTheHeaderSectionCounts() {
    assertNull(find("Subject: s\r\n\r\nMessage-ID: <in-body@h>\r\n"));
    assertNull(find("Subject: s\nX-Message-ID: <other@h>\n\n"));
    assertNull(find(""));
    assertNull(find("Message-ID: <>\r\n\r\n"));
  }

  @Test
  void aLongFoldedIdAndAHeaderPastTheLimit() {
    String id = "a".repeat(1000) + "@h";
    assertEquals(id, find("Message-ID:\r\n <" + id + ">\r\n\r\n"));
    String longHeader = "X-Filler: " + "y".repeat(MessageIds.LIMIT) + "\r\nMessage-ID: <late@h>\r\n\r\n";
    assertNull(find(longHeader)); // beyond the first 64 KiB nothing is read
  }
}
