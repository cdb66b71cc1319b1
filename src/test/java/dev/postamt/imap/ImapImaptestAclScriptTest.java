package dev.postamt.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replays ACL scripts in imaptest's form with two users ({@code user2=}): ours ({@code imaptest/acl}
 * beside this class) and, when the shared testdata has them, Dovecot's {@code acl*} groups from {@code
 * ../shared/testdata/imaptest/tests} (not there today: imaptest ships no ACL group). Each {@code N
 * ok|no|bad command} line runs on connection N (1 alice, 2 bob) and must get that tagged reply; each
 * {@code *} line after it must begin one of its untagged responses (case-insensitive, quotes ignored).
 */
class ImapImaptestAclScriptTest {
  static Stream<String> scripts() throws IOException {
    List<String> all = new ArrayList<>(List.of("classpath:acl"));
    Path shared = ImapImaptestSortScriptsTest.DIR;
    if (Files.isDirectory(shared)) {
      try (Stream<Path> files = Files.list(shared)) {
        files.filter(p -> p.getFileName().toString().startsWith("acl")).forEach(p -> all.add(p.toString()));
      }
    }
    return all.stream();
  }

  @ParameterizedTest
  @MethodSource("scripts")
  void script(String name, @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    List<String> lines;
    if (name.startsWith("classpath:")) {
      try (InputStream in = getClass().getResourceAsStream("imaptest/" + name.substring(10))) {
        lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
      }
    } else {
      lines = Files.readAllLines(Path.of(name), StandardCharsets.ISO_8859_1);
    }
    try (ImapTestServer server = ImapTestServer.start(dir)) {
      ImapClient[] c = {server.login("alice"), server.login("bob")};
      String msg = "Subject: acl\r\n\r\nbody\r\n";
      c[0].run("c CREATE acltest", "c OK *");
      c[0].run("ap APPEND acltest {" + msg.length() + "+}\r\n" + msg, "ap OK *");
      Map<String, String> vars = Map.of("$mailbox", "acltest", "$shared", "\"Other Users/alice@example.test/acltest\"",
          "$user2", "bob@example.test", "$user", "alice@example.test");
      int ran = 0;
      boolean body = false;
      for (int i = 0; i < lines.size(); i++) {
        String l = lines.get(i);
        if (!body) {
          body = l.isBlank(); // the header ends at the first blank line
          continue;
        }
        if (!l.matches("[12] (ok|no|bad) .*")) {
          continue;
        }
        int conn = l.charAt(0) - '1';
        String status = l.substring(2, l.indexOf(' ', 2)).toUpperCase(Locale.ROOT);
        String command = fill(l.substring(l.indexOf(' ', 2) + 1), vars);
        List<String> got = c[conn].run("t " + command);
        assertThat(got.getLast()).as("line %d: %s", i + 1, l).startsWith("t " + status + " ");
        for (int j = i + 1; j < lines.size() && lines.get(j).startsWith("* "); j++) {
          String want = norm(fill(lines.get(j), vars));
          assertThat(got.stream().map(ImapImaptestAclScriptTest::norm).anyMatch(g -> g.equals(want) || g.startsWith(want)))
              .as("line %d: %s in %s", j + 1, lines.get(j), got).isTrue();
        }
        ran++;
      }
      assertThat(ran).isGreaterThan(10);
    }
  }

  private static String fill(String s, Map<String, String> vars) {
    // $user2 before $user, $shared before nothing shorter: longest names first
    for (String k : vars.keySet().stream().sorted((a, b) -> b.length() - a.length()).toList()) {
      s = s.replace(k, vars.get(k));
    }
    return s;
  }

  private static String norm(String s) {
    return s.replace("\"", "").toLowerCase(Locale.ROOT);
  }
}
