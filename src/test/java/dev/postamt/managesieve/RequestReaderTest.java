package dev.postamt.managesieve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postamt.managesieve.RequestReader.Arg;
import dev.postamt.managesieve.RequestReader.Atom;
import dev.postamt.managesieve.RequestReader.Num;
import dev.postamt.managesieve.RequestReader.Str;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Request lines (RFC 5804 §4) to arguments, fed whole and one byte per read. */
class RequestReaderTest {
  static Stream<Arguments> good() {
    return Stream.of(
        Arguments.of("CAPABILITY\r\n", List.of(new Atom("CAPABILITY"))),
        Arguments.of("noop\n", List.of(new Atom("noop"))),
        Arguments.of("GETSCRIPT \"a b\"\r\n", List.of(new Atom("GETSCRIPT"), new Str("a b"))),
        Arguments.of("GETSCRIPT \"q\\\"\\\\\"\r\n", List.of(new Atom("GETSCRIPT"), new Str("q\"\\"))),
        Arguments.of("PUTSCRIPT \"s\" {7+}\r\nkeep;\r\n\r\n",
            List.of(new Atom("PUTSCRIPT"), new Str("s"), new Str("keep;\r\n"))),
        Arguments.of("PUTSCRIPT {1}\r\nx {0+}\r\n\r\n", List.of(new Atom("PUTSCRIPT"), new Str("x"), new Str(""))),
        Arguments.of("HAVESPACE \"n\" 4294967295\r\n",
            List.of(new Atom("HAVESPACE"), new Str("n"), new Num(4_294_967_295L))),
        Arguments.of("NOOP  \"ü\"\r\n", List.of(new Atom("NOOP"), new Str("ü"))),
        Arguments.of("\"only a string\"\r\n", List.of(new Str("only a string"))),
        Arguments.of("\r\n", List.of()));
  }

  static Stream<Arguments> bad() {
    return Stream.of(
        Arguments.of("GETSCRIPT \"open\r\n", "A quoted string must not contain CR, LF or NUL; use a literal"),
        Arguments.of("GETSCRIPT \"\\n\"\r\n", "Only \\\" and \\\\ may be escaped in a quoted string; use a literal"),
        Arguments.of("PUTSCRIPT {x+}\r\n", "Malformed literal: expected {NUMBER+}"),
        Arguments.of("PUTSCRIPT {3+} abc\r\n", "A literal's size must be followed by CRLF"),
        Arguments.of("PUTSCRIPT {99999999999+}\r\n", "Literal size too large"),
        Arguments.of("HAVESPACE \"n\" 4294967296\r\n", "Number too large"),
        Arguments.of("GET\"SCRIPT\r\n", "Unexpected character in a word; strings must be quoted"),
        Arguments.of("NOOP \r\r\n", "CR not followed by LF"),
        Arguments.of("NOOP \"\u00ff\"\r\n", "Strings must be UTF-8"),
        Arguments.of("NOOP \"" + "x".repeat(100) + "\"\r\n", "Request line too long (limit 64 octets)"));
  }

  /** A stream that gives one byte per read, as a slow client would. */
  private static InputStream trickle(byte[] b) {
    return new ByteArrayInputStream(b) {
      @Override
      public synchronized int read(byte[] buf, int off, int len) {
        return super.read(buf, off, Math.min(len, 1));
      }
    };
  }

  private static byte[] bytes(String s) {
    return s.getBytes(s.contains("\u00ff") ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @MethodSource("good")
  void parses(String wire, List<Arg> expected) throws Exception {
    for (InputStream in : List.of(new ByteArrayInputStream(bytes(wire + "NOOP\r\n")), trickle(bytes(wire + "NOOP\r\n")))) {
      RequestReader r = new RequestReader(in, 64, 100);
      assertThat(r.readLine()).isEqualTo(expected);
      assertThat(r.readLine()).as("the next request starts clean").containsExactly(new Atom("NOOP"));
      assertThat(r.readLine()).isNull();
    }
  }

  @ParameterizedTest
  @MethodSource("bad")
  void refusesAndResynchronises(String wire, String message) throws Exception {
    for (InputStream in : List.of(new ByteArrayInputStream(bytes(wire + "NOOP\r\n")), trickle(bytes(wire + "NOOP\r\n")))) {
      RequestReader r = new RequestReader(in, 64, 100);
      assertThatThrownBy(r::readLine).isInstanceOf(RequestReader.SyntaxException.class).hasMessage(message);
      assertThat(r.readLine()).as("after %s", wire).containsExactly(new Atom("NOOP"));
    }
  }

  @org.junit.jupiter.api.Test
  void aTooLargeLiteralCanBeSkipped() throws Exception {
    RequestReader r = new RequestReader(new ByteArrayInputStream(bytes("PUTSCRIPT \"a\" {200+}\r\n" + "x".repeat(200)
        + "\r\nNOOP\r\n")), 64, 100);
    assertThatThrownBy(r::readLine).isInstanceOfSatisfying(RequestReader.LiteralTooLargeException.class,
        e -> assertThat(e.size).isEqualTo(200));
    r.skipLiteral(200);
    assertThat(r.readLine()).containsExactly(new Atom("NOOP"));
  }

  @org.junit.jupiter.api.Test
  void endOfStreamInsideARequestIsAnError() {
    RequestReader r = new RequestReader(new ByteArrayInputStream(bytes("PUTSCRIPT \"a\" {10+}\r\nabc")), 64, 100);
    assertThatThrownBy(r::readLine).isInstanceOf(IOException.class);
  }
}
