package dev.postamt.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Replays Dovecot's imaptest groups for MULTIAPPEND and CATENATE ({@code
 * ../shared/testdata/imaptest/tests}, when there) without imaptest: every command is sent with its
 * {@code {{{ … }}}} blocks as literals ({@code $mailbox} is a fresh mailbox, {@code $uid}, {@code $uid2},
 * {@code $uidv} are taken from the answers as imaptest does), its tagged status compared with the
 * script's ({@code ok}, {@code no}, a response code), and each expected untagged line looked for among
 * the answers (case-insensitive, the rest of an {@code * ok} line ignored).
 */
class ImapImaptestAppendScriptsTest {
  static final Path DIR = ImapImaptestSortScriptsTest.DIR;
  static final String MAILBOX = "imaptest";
  private static final Pattern VAR = Pattern.compile("\\$\\{?(mailbox_url|mailbox|uidv|uid2|uid)\\}?");

  @ParameterizedTest
  @ValueSource(strings = {"multiappend", "catenate", "catenate-multiappend"})
  void group(String group, @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    assumeTrue(Files.isRegularFile(DIR.resolve(group)), "imaptest scripts not found at " + DIR.toAbsolutePath());
    List<String> lines = Files.readAllLines(DIR.resolve(group), StandardCharsets.ISO_8859_1);
    int i = 0;
    while (i < lines.size() && !lines.get(i).isBlank()) {
      i++; // the header: capabilities, state
    }
    Map<String, String> vars = new HashMap<>(Map.of("mailbox", MAILBOX, "mailbox_url", MAILBOX));
    int commands = 0;
    try (ImapTestServer server = ImapTestServer.start(dir)) {
      ImapClient c = server.login("alice");
      c.run("s0 CREATE " + MAILBOX, "s0 OK *"); // state: created
      while (i < lines.size()) {
        String l = lines.get(i);
        if (l.isBlank() || l.startsWith("#")) {
          i++;
          continue;
        }
        String status = null;
        Matcher pre = Pattern.compile("^(ok|no|bad|\"\") (.*)$").matcher(l);
        StringBuilder cmd = new StringBuilder(pre.matches() ? pre.group(2) : l);
        if (pre.matches()) {
          status = pre.group(1);
        }
        i = block(lines, i, cmd);
        List<String> expected = new ArrayList<>();
        while (i < lines.size() && lines.get(i).startsWith("* ")) {
          StringBuilder e = new StringBuilder(lines.get(i));
          i = block(lines, i, e);
          expected.add(e.toString());
        }
        if (status == null) { // a bare command: its status is the next line ("no [trycreate]")
          status = lines.get(i++).strip();
        }
        String tag = "t" + ++commands;
        c.send(tag + " " + literals(substitute(cmd.toString(), vars), true));
        List<String> got = c.until(tag);
        String tagged = got.getLast().substring(tag.length() + 1);
        if (!status.equals("\"\"")) {
          assertThat(tagged.toLowerCase()).as(cmd + "\n" + got).startsWith(status.toLowerCase());
        }
        for (String e : expected) {
          assertThat(got.stream().anyMatch(g -> matches(e, g, vars))).as(e + " in " + got).isTrue();
        }
      }
    }
    assertThat(commands).isGreaterThanOrEqualTo(3);
  }

  /** Appends the lines of {@code {{{ … }}}} blocks opened on line {@code i}; returns the next line. */
  private static int block(List<String> lines, int i, StringBuilder text) {
    i++;
    while (count(text, "{{{") > count(text, "}}}")) {
      text.append('\n').append(lines.get(i++));
    }
    return i;
  }

  private static int count(CharSequence s, String what) {
    return (s.length() - s.toString().replace(what, "").length()) / what.length();
  }

  /** {@code {{{\ntext\n}}}} as an IMAP literal of the text with CRLF line ends. */
  private static String literals(String s, boolean plus) {
    StringBuilder out = new StringBuilder();
    int at = 0;
    int open;
    while ((open = s.indexOf("{{{\n", at)) >= 0) {
      int close = s.indexOf("\n}}}", open);
      String content = s.substring(open + 4, close).replace("\n", "\r\n");
      out.append(s, at, open).append('{').append(content.getBytes(StandardCharsets.ISO_8859_1).length)
          .append(plus ? "+}\r\n" : "}\r\n").append(content);
      at = close + 4;
    }
    return out.append(s.substring(at)).toString();
  }

  private static String substitute(String s, Map<String, String> vars) {
    Matcher m = VAR.matcher(s);
    StringBuilder b = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(b, Matcher.quoteReplacement(vars.getOrDefault(m.group(1), m.group())));
    }
    m.appendTail(b);
    return b.toString();
  }

  /** Whether an answer line matches an expected line; unbound variables are bound to what they match. */
  private static boolean matches(String expected, String got, Map<String, String> vars) {
    String e = literals(expected, false);
    StringBuilder regex = new StringBuilder();
    List<String> unbound = new ArrayList<>();
    Matcher m = VAR.matcher(e);
    int at = 0;
    while (m.find()) {
      regex.append(Pattern.quote(e.substring(at, m.start())));
      String v = vars.get(m.group(1));
      if (v != null) {
        regex.append(Pattern.quote(v));
      } else {
        regex.append("(\\d+)");
        unbound.add(m.group(1));
      }
      at = m.end();
    }
    regex.append(Pattern.quote(e.substring(at)));
    if (e.startsWith("* ok")) {
      regex.append(".*");
    }
    Matcher g = Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE | Pattern.DOTALL).matcher(got);
    if (!g.matches()) {
      return false;
    }
    for (int k = 0; k < unbound.size(); k++) {
      vars.put(unbound.get(k), g.group(k + 1));
    }
    return true;
  }
}
