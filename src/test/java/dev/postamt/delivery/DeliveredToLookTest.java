package dev.postamt.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.mime.HeaderSection;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The quick look before the loop check's parse ({@link LocalDelivery#mayCarryDeliveredTo}): true for
 * every header section the parse finds a {@code Delivered-To} field in, false for the usual message
 * without one; what is in the body does not count.
 */
class DeliveredToLookTest {
  private static boolean look(String message) throws IOException {
    return LocalDelivery.mayCarryDeliveredTo(new ByteArrayInputStream(message.getBytes(StandardCharsets.ISO_8859_1)));
  }

  /** What the parse says, for the comparison. */
  private static boolean parsed(String message) {
    return HeaderSection.parse(message.getBytes(StandardCharsets.ISO_8859_1)).fields().stream()
        .anyMatch(f -> f.is("Delivered-To"));
  }

  @Test
  void aFieldOfTheHeaderSectionIsSeenInAnyCaseAndForm() throws IOException {
    String[] with = {
      "Delivered-To: alice@example.test\r\nSubject: s\r\n\r\nbody\r\n",
      "Subject: s\r\nDELIVERED-TO : alice@example.test\r\n\r\n",
      " delivered-to: alice@example.test\r\n\r\n", // a first line that begins with a blank is a field too
      "Subject: s\nDelivered-To: alice@example.test\n\nbody\n", // bare LF
      "Subject: s\r\nDelivered-To: alice@example.test", // no empty line, no body
      "X-Long: " + "x".repeat(5000) + "\r\n\tmore\r\nDelivered-To: a@b\r\n\r\n", // past the first buffer
      "Subject: s\rDelivered-To: x\r\nDelivered-To: a@b\r\n\r\n", // a bare CR does not end a line
    };
    for (String m : with) {
      assertThat(parsed(m)).as(m).isTrue();
      assertThat(look(m)).as(m).isTrue();
    }
  }

  @Test
  void aMessageWithoutTheFieldNeedsNoParse() throws IOException {
    String[] without = {
      "Subject: s\r\nFrom: b@example.test\r\n\r\nDelivered-To: alice@example.test\r\n", // in the body
      "X-Delivered-To: alice@example.test\r\nSubject: s\r\n\r\n",
      "Subject: s\r\n  Delivered-To-Not: x\r\n\r\n".replace("-Not", "").replace("Delivered", "Xdelivered"),
      "Subject: s\n\nDelivered-To: a@b\n", // bare LF, then the body
      "Subject: s\r\n\r\n",
      "",
    };
    for (String m : without) {
      assertThat(parsed(m)).as(m).isFalse();
      assertThat(look(m)).as(m).isFalse();
    }
  }

  @Test
  void aHeaderSectionPastTheParsersLimitIsLeftToTheParse() throws IOException {
    String huge = "X-Big: " + "y".repeat(HeaderSection.MAX_BYTES + 10) + "\r\n\r\n";
    assertThat(look(huge)).isTrue();
  }
}
