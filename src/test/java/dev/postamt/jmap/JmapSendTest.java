package dev.postamt.jmap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.jmap.json.Json;
import dev.postamt.queue.QueuedMessage;
import dev.postamt.testing.MailHost;
import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import dev.postamt.web.HttpTestClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Sending over JMAP: identities, a draft made with Email/set create and sent with EmailSubmission/set
 * through the submission path (a local recipient gets it in INBOX, a remote one waits in the queue,
 * the draft moves to Sent without $draft), the sender rules (forbiddenFrom), and the vacation reply set
 * with VacationResponse/set answering mail delivered over SMTP exactly once per sender.
 */
class JmapSendTest {
  static final int CLOSED_PORT = dev.postamt.testing.Ports.closed();

  @RegisterExtension
  static final TestServer t = TestServer.create().listen("https").user("sam").user("rita").user("vic").user("walt")
      .zone("remote.example. MX 10 mx.remote.example.\nmx.remote.example. A 127.0.0.1\n")
      .toml("[delivery]\nremote_port = " + CLOSED_PORT + "\n");


  static final List<String> USING = List.of(JmapApi.CORE, JmapApi.MAIL, JmapApi.SUBMISSION, JmapApi.VACATION);

  /** Runs method calls (name, arguments) for {@code user}; returns the responses in order. */
  @SuppressWarnings("unchecked")
  static List<List<Object>> call(String user, Object... nameArgs) throws Exception {
    List<Object> calls = new ArrayList<>();
    for (int i = 0; i < nameArgs.length; i += 2) {
      Map<String, Object> args = new LinkedHashMap<>((Map<String, Object>) nameArgs[i + 1]);
      args.putIfAbsent("accountId", Ids.account(user + "@example.test"));
      calls.add(List.of(nameArgs[i], args, "c" + i));
    }
    Map<String, Object> req = Map.of("using", USING, "methodCalls", calls);
    Map<String, Object> r = HttpTestClient.of(t, "https", user + "@example.test").jmap(Json.write(req));
    return (List<List<Object>>) r.get("methodResponses");
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> args(List<List<Object>> responses, int k) {
    return (Map<String, Object>) responses.get(k).get(1);
  }

  @SuppressWarnings("unchecked")
  static String mailboxId(String user, String role) throws Exception {
    List<Map<String, Object>> boxes = (List<Map<String, Object>>) args(call(user, "Mailbox/get", Map.of()), 0).get("list");
    return (String) boxes.stream().filter(b -> role.equals(b.get("role"))).findFirst().orElseThrow().get("id");
  }

  @Test
  @SuppressWarnings("unchecked")
  void theSessionAdvertisesSubmissionVacationAndSieve() throws Exception {
    Map<String, Object> s = HttpTestClient.json(HttpTestClient.of(t, "https", "sam@example.test").get("/.well-known/jmap"));
    assertThat((Map<String, Object>) s.get("capabilities")).containsKeys(JmapApi.SUBMISSION, JmapApi.VACATION, JmapApi.SIEVE);
    Map<String, Object> account = (Map<String, Object>) ((Map<String, Object>) s.get("accounts"))
        .get(Ids.account("sam@example.test"));
    Map<String, Object> caps = (Map<String, Object>) account.get("accountCapabilities");
    assertThat((Map<String, Object>) caps.get(JmapApi.SUBMISSION)).containsEntry("maxDelayedSend", 0L)
        .containsEntry("submissionExtensions", Map.of());
    assertThat((List<String>) ((Map<String, Object>) caps.get(JmapApi.SIEVE)).get("sieveExtensions"))
        .contains("fileinto", "vacation");
  }

  @Test
  @SuppressWarnings("unchecked")
  void identitiesAreTheUsersAddressAndKeepTheirSettings() throws Exception {
    Map<String, Object> got = args(call("walt", "Identity/get", Map.of()), 0);
    List<Map<String, Object>> list = (List<Map<String, Object>>) got.get("list");
    assertThat(list).extracting(i -> i.get("email")).containsExactly("walt@example.test");
    String id = (String) list.getFirst().get("id");
    String state = (String) got.get("state");

    Map<String, Object> patch = Map.of("name", "Walt W.", "textSignature", "-- \nWalt");
    List<List<Object>> r = call("walt", "Identity/set", Map.of("update", Map.of(id, patch)),
        "Identity/get", Map.of("ids", List.of(id)), "Identity/changes", Map.of("sinceState", state));
    assertThat((Map<String, Object>) args(r, 0).get("updated")).containsKey(id);
    assertThat(((List<Map<String, Object>>) args(r, 1).get("list")).getFirst()).containsEntry("name", "Walt W.")
        .containsEntry("textSignature", "-- \nWalt").containsEntry("mayDelete", false);
    assertThat(args(r, 2).get("updated")).isEqualTo(List.of(id));

    Map<String, Object> other = args(call("walt", "Identity/set", Map.of("create",
        Map.of("x", Map.of("email", "sam@example.test")), "destroy", List.of(id))), 0);
    assertThat((Map<String, Map<String, Object>>) other.get("notCreated")).extractingByKey("x")
        .satisfies(e -> assertThat(e).containsEntry("type", "forbiddenFrom"));
    assertThat((Map<String, Map<String, Object>>) other.get("notDestroyed")).extractingByKey(id)
        .satisfies(e -> assertThat(e).containsEntry("type", "forbidden"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void aDraftSentOverJmapReachesTheLocalInboxQueuesTheRemoteOneAndMovesToSent() throws Exception {
    String drafts = mailboxId("sam", "drafts");
    String sent = mailboxId("sam", "sent");
    String identity = (String) ((List<Map<String, Object>>) args(call("sam", "Identity/get", Map.of()), 0).get("list"))
        .getFirst().get("id");
    Map<String, Object> draft = new LinkedHashMap<>();
    draft.put("mailboxIds", Map.of(drafts, true));
    draft.put("keywords", Map.of("$draft", true, "$seen", true));
    draft.put("from", List.of(Map.of("name", "Sam Sender", "email", "sam@example.test")));
    draft.put("to", List.of(Map.of("name", "Rita", "email", "rita@example.test"),
        Map.of("email", "ron@remote.example")));
    draft.put("subject", "Grüße zum Wochenende");
    draft.put("bodyValues", Map.of("t", Map.of("value", "Hallo Rita,\nbis Samstag!\n")));
    draft.put("textBody", List.of(Map.of("partId", "t", "type", "text/plain")));
    Map<String, Object> update = new LinkedHashMap<>();
    update.put("mailboxIds", Map.of(sent, true));
    update.put("keywords/$draft", null);
    List<List<Object>> r = call("sam",
        "Email/set", Map.of("create", Map.of("d", draft)),
        "EmailSubmission/set", Map.of("create", Map.of("s", Map.of("identityId", identity, "emailId", "#d")),
            "onSuccessUpdateEmail", Map.of("#s", update)));
    Map<String, Object> created = ((Map<String, Map<String, Object>>) args(r, 0).get("created")).get("d");
    assertThat(created).containsKeys("id", "blobId", "threadId", "size");
    assertThat(r.get(1).get(0)).isEqualTo("EmailSubmission/set");
    Map<String, Object> sub = ((Map<String, Map<String, Object>>) args(r, 1).get("created")).get("s");
    assertThat(sub).containsEntry("undoStatus", "final");
    assertThat(r.get(2).get(0)).as("the implicit Email/set").isEqualTo("Email/set");
    assertThat((Map<String, Object>) args(r, 2).get("updated")).containsKey((String) created.get("id"));

    String delivered = t.awaitMessageContaining("rita@example.test", "bis Samstag");
    assertThat(delivered).contains("Subject: =?UTF-8?B?").contains("From: Sam Sender <sam@example.test>")
        .contains("Message-ID: <").contains("Date: ").contains("MIME-Version: 1.0")
        .contains("Content-Type: text/plain; charset=\"utf-8\"");
    Optional<QueuedMessage> remote = Optional.empty();
    for (int k = 0; k < 500 && remote.isEmpty(); k++) {
      for (String id : t.server.spool().ids()) {
        Optional<QueuedMessage> m = t.server.spool().load(id);
        if (m.isPresent() && m.get().envelope().recipients().stream().anyMatch(x -> x.address().equals("ron@remote.example"))) {
          remote = m;
        }
      }
      if (remote.isEmpty()) {
        Thread.sleep(20);
      }
    }
    assertThat(remote).as("the remote recipient waits in the queue").isPresent();
    assertThat(remote.get().envelope().sender()).isEqualTo("sam@example.test");
    assertThat(remote.get().envelope().authUser()).contains("sam@example.test");

    Map<String, Object> q = args(call("sam", "Email/query", Map.of("filter", Map.of("inMailbox", sent)),
        "Email/get", Map.of("#ids", Map.of("resultOf", "c0", "name", "Email/query", "path", "/ids"),
            "properties", List.of("subject", "keywords", "mailboxIds"))), 1);
    Map<String, Object> inSent = ((List<Map<String, Object>>) q.get("list")).getFirst();
    assertThat(inSent).containsEntry("subject", "Grüße zum Wochenende").containsEntry("keywords", Map.of("$seen", true));

    Map<String, Object> listed = args(call("sam", "EmailSubmission/query", Map.of(), "EmailSubmission/get",
        Map.of("#ids", Map.of("resultOf", "c0", "name", "EmailSubmission/query", "path", "/ids"))), 1);
    assertThat((List<Map<String, Object>>) listed.get("list")).singleElement()
        .satisfies(s -> assertThat(s).containsEntry("identityId", identity).containsKey("deliveryStatus"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void sendingAsSomeoneElseIsForbiddenFromOrForbiddenMailFrom() throws Exception {
    String drafts = mailboxId("vic", "drafts");
    String identity = (String) ((List<Map<String, Object>>) args(call("vic", "Identity/get", Map.of()), 0).get("list"))
        .getFirst().get("id");
    Map<String, Object> forged = Map.of("mailboxIds", Map.of(drafts, true),
        "from", List.of(Map.of("email", "rita@example.test")), "to", List.of(Map.of("email", "sam@example.test")),
        "subject", "not me", "bodyValues", Map.of("t", Map.of("value", "x")),
        "textBody", List.of(Map.of("partId", "t")));
    Map<String, Object> own = new LinkedHashMap<>(forged);
    own.put("from", List.of(Map.of("email", "vic@example.test")));
    List<List<Object>> r = call("vic", "Email/set", Map.of("create", Map.of("forged", forged, "own", own)),
        "EmailSubmission/set", Map.of("create", Map.of("s", Map.of("identityId", identity, "emailId", "#forged"))),
        "EmailSubmission/set", Map.of("create", Map.of("e", Map.of("identityId", identity, "emailId", "#own",
            "envelope", Map.of("mailFrom", Map.of("email", "rita@example.test"),
                "rcptTo", List.of(Map.of("email", "sam@example.test")))))));
    assertThat(((Map<String, Map<String, Object>>) args(r, 1).get("notCreated")).get("s"))
        .containsEntry("type", "forbiddenFrom");
    assertThat(((Map<String, Map<String, Object>>) args(r, 2).get("notCreated")).get("e"))
        .containsEntry("type", "forbiddenMailFrom");
    for (String id : t.server.spool().ids()) {
      t.server.spool().load(id).ifPresent(m -> assertThat(m.envelope().authUser()).as("nothing of vic's was queued")
          .isNotEqualTo(Optional.of("vic@example.test")));
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void aVacationResponseSetOverJmapAnswersEachSenderOnce() throws Exception {
    Map<String, Object> patch = Map.of("isEnabled", true, "subject", "Away", "textBody", "Back on Monday.");
    List<List<Object>> r = call("rita", "VacationResponse/set", Map.of("update", Map.of("singleton", patch)),
        "VacationResponse/get", Map.of());
    assertThat((Map<String, Object>) args(r, 0).get("updated")).containsKey("singleton");
    assertThat(((List<Map<String, Object>>) args(r, 1).get("list")).getFirst()).containsEntry("isEnabled", true)
        .containsEntry("subject", "Away").containsEntry("textBody", "Back on Monday.");

    for (int k = 0; k < 2; k++) {
      SmtpScript s = t.smtp("smtp");
      s.send("EHLO client.example").expect("250*");
      s.send("MAIL FROM:<vic@example.test>").expect("250*");
      s.send("RCPT TO:<rita@example.test>").expect("250*");
      s.send("DATA").expect("354*");
      s.raw("From: vic@example.test\r\nTo: rita@example.test\r\nSubject: question " + k + "\r\nMessage-ID: <q" + k
          + "@example.test>\r\n\r\nAre you there?\r\n.\r\n");
      s.expect("250*");
      s.send("QUIT").expect("221*");
    }
    t.awaitMessageContaining("rita@example.test", "question 1");
    String reply = t.awaitMessageContaining("vic@example.test", "Back on Monday.");
    assertThat(reply).contains("Subject: Away").contains("Auto-Submitted: auto-replied").contains("In-Reply-To: <q0@example.test>");
    MailHost.await(() -> t.server.queue().idle(), "the queue to be idle"); // what the second message caused is out
    long replies = 0;
    for (java.nio.file.Path p : t.messages("vic@example.test")) {
      replies += java.nio.file.Files.readString(p).contains("Back on Monday.") ? 1 : 0;
    }
    assertThat(replies).as("one reply per sender").isEqualTo(1);
  }
}
