package dev.postamt.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postamt.config.AccessTable.Action;
import dev.postamt.config.AccessTable.Verb;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The access(5), cidr_table(5) and regexp_table(5) parsers: actions, keys, matching, errors by line. */
class AccessTableTest {
  private static final Path FILE = Path.of("/etc/postamt/t");

  private static AccessTable parse(AccessTable.Type type, String text) {
    List<String> problems = new ArrayList<>();
    AccessTable t = AccessTable.parse(type, FILE, text, problems).orElse(null);
    assertThat(problems).isEmpty();
    return t;
  }

  @Test
  void actionsAreParsedWithTheirTextsAndCodes() {
    assertThat(AccessTable.action("ok")).isEqualTo(new Action(Verb.OK, 0, "", ""));
    assertThat(AccessTable.action("REJECT")).isEqualTo(new Action(Verb.REJECT, 0, "", ""));
    assertThat(AccessTable.action("REJECT go away")).isEqualTo(new Action(Verb.REJECT, 0, "", "go away"));
    assertThat(AccessTable.action("REJECT 5.7.9 go away")).isEqualTo(new Action(Verb.REJECT, 0, "5.7.9", "go away"));
    assertThat(AccessTable.action("REJECT 4.7.9 go away")).as("a code of the wrong class is text")
        .isEqualTo(new Action(Verb.REJECT, 0, "", "4.7.9 go away"));
    assertThat(AccessTable.action("DEFER 4.3.2 later")).isEqualTo(new Action(Verb.DEFER, 0, "4.3.2", "later"));
    assertThat(AccessTable.action("550 5.7.1 no thanks")).isEqualTo(new Action(Verb.REPLY, 550, "5.7.1", "no thanks"));
    assertThat(AccessTable.action("421 not now")).isEqualTo(new Action(Verb.REPLY, 421, "", "not now"));
    assertThat(AccessTable.action("12345").verb()).as("all-numerical is OK, as access(5) says").isEqualTo(Verb.OK);
    assertThat(AccessTable.action("PREPEND X-Tag: yes")).isEqualTo(new Action(Verb.PREPEND, 0, "", "X-Tag: yes"));
    assertThat(AccessTable.action("REDIRECT a@example.org")).isEqualTo(new Action(Verb.REDIRECT, 0, "", "a@example.org"));
    assertThat(AccessTable.action("HOLD review").verb()).isEqualTo(Verb.HOLD);
    assertThat(AccessTable.action("DISCARD").verb()).isEqualTo(Verb.DISCARD);
    assertThat(AccessTable.action("WARN hmm").text()).isEqualTo("hmm");
    assertThat(AccessTable.action("DEFER_IF_PERMIT x").verb()).isEqualTo(Verb.DEFER_IF_PERMIT);
    assertThat(AccessTable.action("defer_if_reject").verb()).isEqualTo(Verb.DEFER_IF_REJECT);
    assertThatThrownBy(() -> AccessTable.action("FILTER smtp:[127.0.0.1]:10025")).hasMessage("action \"FILTER\" is not supported");
    assertThatThrownBy(() -> AccessTable.action("REJEKT")).hasMessage("unknown action \"REJEKT\"");
    assertThatThrownBy(() -> AccessTable.action("PREPEND no colon")).hasMessageStartingWith("PREPEND needs a header field");
    assertThatThrownBy(() -> AccessTable.action("REDIRECT two words")).hasMessageStartingWith("REDIRECT needs one address");
  }

  @Test
  void plainTablesAreCaseBlindWithCommentsAndContinuationLines() {
    AccessTable t = parse(AccessTable.Type.PLAIN, """
        # comment
        Spammer@Bad.Example   REJECT go
           away
        bad.example OK

        bad.example REJECT the first entry wins
        """);
    assertThat(t.get("spammer@bad.example")).contains(new Action(Verb.REJECT, 0, "", "go away"));
    assertThat(t.get("BAD.example")).contains(new Action(Verb.OK, 0, "", ""));
    assertThat(t.get("other.example")).isEmpty();
    assertThat(t.size()).isEqualTo(2);
  }

  @Test
  void cidrTablesMatchTheFirstContainingBlock() throws Exception {
    AccessTable t = parse(AccessTable.Type.CIDR, """
        192.0.2.128/25   OK
        192.0.2.0/24     REJECT net
        2001:db8::/32    DEFER v6
        """);
    assertThat(t.match(InetAddress.getByName("192.0.2.200"))).contains(new Action(Verb.OK, 0, "", ""));
    assertThat(t.match(InetAddress.getByName("192.0.2.1")).map(Action::text)).contains("net");
    assertThat(t.match(InetAddress.getByName("2001:db8::1")).map(Action::text)).contains("v6");
    assertThat(t.match(InetAddress.getByName("198.51.100.1"))).isEmpty();
  }

  @Test
  void regexpTablesMatchInOrderWithNegationAndCaseFlag() {
    AccessTable t = parse(AccessTable.Type.REGEXP, """
        /^spam[0-9]+@/        REJECT numbered
        /^Exact@/i            DUNNO
        !/@example\\.org$/    REJECT not from example.org
        """);
    assertThat(t.match("SPAM12@example.org").map(Action::text)).as("case-insensitive by default").contains("numbered");
    assertThat(t.match("exact@example.org")).as("i toggles to case-sensitive").isEmpty();
    assertThat(t.match("Exact@example.net").map(Action::verb)).contains(Verb.DUNNO);
    assertThat(t.match("someone@example.net").map(Action::text)).contains("not from example.org");
    assertThat(t.match("someone@example.org")).isEmpty();
  }

  @Test
  void badLinesAreReportedWithFileAndLineAndTheTableIsNotUsed() {
    List<String> problems = new ArrayList<>();
    assertThat(AccessTable.parse(AccessTable.Type.CIDR, FILE, "192.0.2.0/24 OK\n\n192.0.2.0/40 OK\n192.0.2.0/24\n", problems)).isEmpty();
    assertThat(problems).containsExactly(
        "/etc/postamt/t:3: \"192.0.2.0/40\" has a bad prefix length",
        "/etc/postamt/t:4: \"192.0.2.0/24\" has no action");
  }

  @Test
  void specsNameTheType() {
    assertThat(AccessTable.Spec.parse("hash:/etc/a")).isEqualTo(new AccessTable.Spec(AccessTable.Type.PLAIN, "/etc/a"));
    assertThat(AccessTable.Spec.parse("texthash:/etc/a").type()).isEqualTo(AccessTable.Type.PLAIN);
    assertThat(AccessTable.Spec.parse("/etc/a")).isEqualTo(new AccessTable.Spec(AccessTable.Type.PLAIN, "/etc/a"));
    assertThat(AccessTable.Spec.parse("cidr:/etc/a").type()).isEqualTo(AccessTable.Type.CIDR);
    assertThat(AccessTable.Spec.parse("pcre:/etc/a").type()).isEqualTo(AccessTable.Type.REGEXP);
    assertThatThrownBy(() -> AccessTable.Spec.parse("mysql:/etc/a")).hasMessageStartingWith("table type \"mysql:\" is not supported");
  }
}
