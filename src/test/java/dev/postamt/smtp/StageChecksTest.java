package dev.postamt.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postamt.smtp.StageCheck.Decision;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The stage-check lists: order, the first refusal wins, an acceptance ends the stage, stages apart. */
class StageChecksTest {
  private static final StageContext.Client CLIENT =
      new StageContext.Client(SmtpServer.Mode.MX, "smtp", InetAddress.getLoopbackAddress(), "127.0.0.1", false, "client", false, null, null);

  private static StageContext at(Stage stage) {
    return new StageContext(stage, CLIENT, null, null, List.of(), null);
  }

  @Test
  void checksRunInOrderUntilTheFirstRefusal() throws Exception {
    List<String> ran = new ArrayList<>();
    StageChecks s = new StageChecks()
        .add(Stage.RCPT, "a", c -> { ran.add("a"); return Decision.CONTINUE; })
        .add(Stage.RCPT, "b", c -> { ran.add("b"); return Decision.refuse(450, "4.7.1", "later"); })
        .add(Stage.RCPT, "c", c -> { ran.add("c"); return Decision.CONTINUE; });
    assertThat(s.run(at(Stage.RCPT))).isEqualTo(new Decision.Refuse(new SmtpReply(450, "4.7.1", "later")));
    assertThat(ran).containsExactly("a", "b");
    assertThatThrownBy(() -> s.require(at(Stage.RCPT)))
        .isInstanceOfSatisfying(SmtpException.class, e -> assertThat(e.reply().code()).isEqualTo(450));
  }

  @Test
  void anAcceptanceSkipsTheRestOfTheStage() throws Exception {
    List<String> ran = new ArrayList<>();
    StageChecks s = new StageChecks()
        .add(Stage.MAIL, "allow", c -> { ran.add("allow"); return Decision.ACCEPT; })
        .add(Stage.MAIL, "deny", c -> { ran.add("deny"); return Decision.refuse(554, "5.7.1", "no"); });
    assertThat(s.run(at(Stage.MAIL))).isEqualTo(Decision.ACCEPT);
    assertThat(ran).containsExactly("allow");
    s.require(at(Stage.MAIL)); // no exception
  }

  @Test
  void eachStageHasItsOwnList() throws Exception {
    List<Stage> seen = new ArrayList<>();
    StageChecks s = new StageChecks();
    for (Stage st : Stage.values()) {
      s.add(st, st.name(), c -> { seen.add(c.stage()); return Decision.CONTINUE; });
    }
    for (Stage st : Stage.values()) {
      assertThat(s.run(at(st))).isEqualTo(Decision.CONTINUE);
    }
    assertThat(seen).containsExactly(Stage.values());
  }

  @Test
  void theLmtpRuleIsAConnectCheck() throws Exception {
    StageContext.Client lmtpOutsider =
        new StageContext.Client(SmtpServer.Mode.LMTP, "lmtp", InetAddress.getLoopbackAddress(), "127.0.0.1", false, null, false, null, null);
    RelayRules rules = new RelayRules(dev.postamt.config.Config.defaults());
    Decision d = rules.lmtpClients(new StageContext(Stage.CONNECT, lmtpOutsider, null, null, List.of(), null));
    assertThat(d).isInstanceOfSatisfying(Decision.Refuse.class, r -> assertThat(r.reply().code()).isEqualTo(554));
  }

  @Test
  void resultsForTheTrailAreOneLineAsTheRegexesMadeThem() {
    assertThat(StageChecks.oneLine("Authentication-Results: h;\r\n\tspf=none;\r\n\tdkim=none\r\nX: y\r\n"))
        .isEqualTo("Authentication-Results: h; spf=none; dkim=none X: y");
    java.util.Random r = new java.util.Random(3);
    String alphabet = "ab \t\r\n;";
    for (int i = 0; i < 20_000; i++) {
      StringBuilder b = new StringBuilder();
      for (int n = r.nextInt(14); n > 0; n--) {
        b.append(alphabet.charAt(r.nextInt(alphabet.length())));
      }
      String in = b.toString();
      assertThat(StageChecks.oneLine(in))
          .as(in.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t"))
          .isEqualTo(in.replaceAll("\r?\n[ \t]+", " ").replaceAll("\r?\n", " ").strip());
    }
  }
}
