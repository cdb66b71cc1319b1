package dev.postamt.imap;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the command parser: any bytes must give a command record or an {@link ImapException}, never
 * another exception, a hang or a stack overflow. In regression mode (the normal build) it runs the seeds
 * in {@code src/test/resources/.../ImapParserFuzzTestInputs}.
 */
class ImapParserFuzzTest {
  @FuzzTest(maxDuration = "30s")
  void parse(FuzzedDataProvider data) {
    byte[] bytes = data.consumeRemainingAsBytes();
    try {
      CommandParser.parse(bytes);
    } catch (ImapException expected) {
      // BAD is the right answer to garbage
    }
    CommandReader.literalAtEnd(bytes);
    ModifiedUtf7.decode(new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1));
  }
}
