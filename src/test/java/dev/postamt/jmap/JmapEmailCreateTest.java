package dev.postamt.jmap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.imap.ImapClient;
import dev.postamt.jmap.json.Json;
import dev.postamt.testing.TestServer;
import dev.postamt.web.HttpTestClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Emails made over JMAP: Email/set create with text, HTML and an uploaded attachment (read back
 * over JMAP and IMAP), Email/import and Email/parse of an uploaded message, Email/copy (and its
 * error for another account), and threads by Message-ID that keep their id when a message moves.
 */
class JmapEmailCreateTest {
  @RegisterExtension
  static final TestServer t = TestServer.create().listen("https").user("ann").user("ben").user("cid").user("dot")
      .user("eve");

  @SuppressWarnings("unchecked")
  static List<List<Object>> call(String user, Object... nameArgs) throws Exception {
    List<Object> calls = new ArrayList<>();
    for (int i = 0; i < nameArgs.length; i += 2) {
      Map<String, Object> args = new LinkedHashMap<>((Map<String, Object>) nameArgs[i + 1]);
      if (!nameArgs[i].equals("Email/copy")) {
        args.putIfAbsent("accountId", Ids.account(user + "@example.test"));
      }
      calls.add(List.of(nameArgs[i], args, "c" + i));
    }
    Map<String, Object> req = Map.of("using", List.of(JmapApi.CORE, JmapApi.MAIL), "methodCalls", calls);
    return (List<List<Object>>) client(user).jmap(Json.write(req)).get("methodResponses");
  }

  static HttpTestClient client(String user) throws Exception {
    return HttpTestClient.of(t, "https", user + "@example.test");
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

  @SuppressWarnings("unchecked")
  static String upload(String user, String type, byte[] content) throws Exception {
    HttpResponse<String> r = client(user).post("/jmap/upload/" + Ids.account(user + "@example.test") + "/", type, content);
    assertThat(r.statusCode()).as(r.body()).isIn(200, 201);
    return (String) ((Map<String, Object>) Json.parse(r.body())).get("blobId");
  }

  @Test
  @SuppressWarnings("unchecked")
  void anEmailWithTextHtmlAndAnAttachmentIsStoredAsMimeAndReadsBack() throws Exception {
    String drafts = mailboxId("ann", "drafts");
    String pdf = upload("ann", "application/pdf", "%PDF-1.4 not really".getBytes(StandardCharsets.US_ASCII));
    Map<String, Object> email = new LinkedHashMap<>();
    email.put("mailboxIds", Map.of(drafts, true));
    email.put("keywords", Map.of("$draft", true));
    email.put("from", List.of(Map.of("name", "Ann \"The\" Writer", "email", "ann@example.test")));
    email.put("to", List.of(Map.of("name", "Ben", "email", "ben@example.test")));
    email.put("subject", "Plan für Montag");
    email.put("inReplyTo", List.of("orig@example.test"));
    email.put("header:X-Mailer:asText", "jmap test");
    email.put("bodyValues", Map.of("t", Map.of("value", "Plain words, café.\n"), "h", Map.of("value", "<p>HTML words</p>")));
    email.put("textBody", List.of(Map.of("partId", "t")));
    email.put("htmlBody", List.of(Map.of("partId", "h", "type", "text/html")));
    email.put("attachments", List.of(Map.of("blobId", pdf, "type", "application/pdf", "name", "plan.pdf",
        "disposition", "attachment")));
    List<List<Object>> r = call("ann", "Email/set", Map.of("create", Map.of("e", email)),
        "Email/get", Map.of("ids", List.of("#e"), "properties", List.of("subject", "from", "to", "keywords",
            "mailboxIds", "inReplyTo", "header:X-Mailer:asText", "textBody", "htmlBody", "attachments", "bodyValues",
            "messageId", "sentAt", "hasAttachment"), "fetchAllBodyValues", true));
    Map<String, Object> created = ((Map<String, Map<String, Object>>) args(r, 0).get("created")).get("e");
    assertThat(created).containsKeys("id", "blobId", "threadId", "size");
    // RFC 8620 §5.3: a later call may name the new Email by #creationId
    Map<String, Object> got = ((List<Map<String, Object>>) args(r, 1).get("list")).getFirst();
    assertThat(got).containsEntry("id", created.get("id"));
    assertThat(got).containsEntry("subject", "Plan für Montag").containsEntry("keywords", Map.of("$draft", true))
        .containsEntry("mailboxIds", Map.of(drafts, true)).containsEntry("inReplyTo", List.of("orig@example.test"))
        .containsEntry("header:X-Mailer:asText", "jmap test").containsEntry("hasAttachment", true);
    assertThat(got.get("from")).isEqualTo(List.of(Map.of("name", "Ann \"The\" Writer", "email", "ann@example.test")));
    assertThat((List<?>) got.get("messageId")).hasSize(1);
    assertThat(got.get("sentAt")).isNotNull();
    Map<String, Map<String, Object>> values = (Map<String, Map<String, Object>>) got.get("bodyValues");
    assertThat(values.values()).extracting(v -> v.get("value"))
        .contains("Plain words, café.\r\n", "<p>HTML words</p>");
    Map<String, Object> attachment = ((List<Map<String, Object>>) got.get("attachments")).getFirst();
    assertThat(attachment).containsEntry("name", "plan.pdf").containsEntry("type", "application/pdf");
    HttpResponse<byte[]> blob = client("ann").getBytes("/jmap/download/" + Ids.account("ann@example.test") + "/"
        + attachment.get("blobId") + "/plan.pdf?type=application/pdf");
    assertThat(new String(blob.body(), StandardCharsets.US_ASCII)).isEqualTo("%PDF-1.4 not really");

    ImapClient imap = t.imapLogin("ann@example.test");
    imap.run("S SELECT Drafts", "S OK *");
    String fetched = String.join("\n", imap.run("F FETCH 1 (FLAGS BODY.PEEK[HEADER])", "F OK *"));
    assertThat(fetched).contains("\\Draft").contains("MIME-Version: 1.0").contains("multipart/mixed")
        .contains("Subject: =?UTF-8?B?").contains("From: \"Ann \\\"The\\\" Writer\" <ann@example.test>");
  }

  @Test
  @SuppressWarnings("unchecked")
  void anUploadedMessageIsParsedImportedAndCopied() throws Exception {
    byte[] message = JmapTest.crlf(JmapTest.LUNCH);
    String blob = upload("ben", "message/rfc822", message);
    String inbox = mailboxId("ben", "inbox");
    String archive = mailboxId("ben", "archive");
    List<List<Object>> r = call("ben",
        "Email/parse", Map.of("blobIds", List.of(blob, "u00000000000000000000000000000000"),
            "properties", List.of("subject", "from", "id", "size")),
        "Email/import", Map.of("emails", Map.of("i", Map.of("blobId", blob, "mailboxIds", Map.of(inbox, true),
            "keywords", Map.of("$seen", true), "receivedAt", "2025-12-01T08:00:00Z"))));
    Map<String, Object> parsed = ((Map<String, Map<String, Object>>) args(r, 0).get("parsed")).get(blob);
    assertThat(parsed).containsEntry("subject", "Lunch plans").containsEntry("id", null)
        .containsEntry("size", (long) message.length);
    assertThat((List<String>) args(r, 0).get("notFound")).containsExactly("u00000000000000000000000000000000");
    Map<String, Object> imported = ((Map<String, Map<String, Object>>) args(r, 1).get("created")).get("i");
    String id = (String) imported.get("id");

    String acc = Ids.account("ben@example.test");
    List<List<Object>> copied = call("ben",
        "Email/copy", Map.of("fromAccountId", acc, "accountId", acc,
            "create", Map.of("k", Map.of("id", id, "mailboxIds", Map.of(archive, true)))),
        "Email/copy", Map.of("fromAccountId", Ids.account("ann@example.test"), "accountId", acc,
            "create", Map.of("x", Map.of("id", id, "mailboxIds", Map.of(archive, true)))),
        "Email/get", Map.of("accountId", acc, "ids", List.of(id), "properties",
            List.of("receivedAt", "keywords", "threadId")));
    Map<String, Object> copy = ((Map<String, Map<String, Object>>) args(copied, 0).get("created")).get("k");
    assertThat(copy.get("id")).isNotEqualTo(id);
    assertThat(copied.get(1).get(0)).isEqualTo("error");
    assertThat(args(copied, 1)).containsEntry("type", "fromAccountNotFound");
    Map<String, Object> original = ((List<Map<String, Object>>) args(copied, 2).get("list")).getFirst();
    assertThat(original).containsEntry("receivedAt", "2025-12-01T08:00:00Z").containsEntry("keywords", Map.of("$seen", true));
    assertThat(copy.get("threadId")).as("a copy is in the original's thread").isEqualTo(original.get("threadId"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void repliesShareTheirRootsThreadWhichSurvivesAMove() throws Exception {
    JmapTest.appendTo(t, "cid", """
        From: a@example.org
        Subject: root
        Message-ID: <root@example.org>

        first
        """, 1_700_000_000_000L, Set.of());
    JmapTest.appendTo(t, "cid", """
        From: b@example.org
        Subject: Re: root
        Message-ID: <child@example.org>
        In-Reply-To: <root@example.org>

        second
        """, 1_700_000_100_000L, Set.of());
    JmapTest.appendTo(t, "cid", """
        From: c@example.org
        Subject: Re: Re: root
        Message-ID: <grandchild@example.org>
        In-Reply-To: <child@example.org>

        third
        """, 1_700_000_200_000L, Set.of());
    JmapTest.appendTo(t, "cid", """
        From: d@example.org
        Subject: unrelated
        Message-ID: <other@example.org>

        fourth
        """, 1_700_000_300_000L, Set.of());
    List<List<Object>> r = call("cid", "Email/query", Map.of("sort", List.of(Map.of("property", "receivedAt"))),
        "Email/get", Map.of("#ids", Map.of("resultOf", "c0", "name", "Email/query", "path", "/ids"),
            "properties", List.of("threadId", "subject")),
        "Email/query", Map.of("collapseThreads", true));
    List<Map<String, Object>> emails = (List<Map<String, Object>>) args(r, 1).get("list");
    String thread = (String) emails.get(0).get("threadId");
    assertThat(emails).extracting(e -> e.get("threadId")).containsExactly(thread, thread, thread, emails.get(3).get("threadId"));
    assertThat(emails.get(3).get("threadId")).isNotEqualTo(thread);
    assertThat((List<?>) args(r, 2).get("ids")).hasSize(2);

    String archive = mailboxId("cid", "archive");
    String child = (String) emails.get(1).get("id");
    Map<String, Object> moved = args(call("cid", "Email/set", Map.of("update", Map.of(child,
        Map.of("mailboxIds", Map.of(archive, true))))), 0);
    assertThat((Map<String, Object>) moved.get("updated")).containsKey(child);
    List<List<Object>> after = call("cid", "Thread/get", Map.of("ids", List.of(thread)),
        "Email/get", Map.of("#ids", Map.of("resultOf", "c0", "name", "Thread/get", "path", "/list/*/emailIds"),
            "properties", List.of("threadId", "mailboxIds", "subject")));
    Map<String, Object> t0 = ((List<Map<String, Object>>) args(after, 0).get("list")).getFirst();
    assertThat((List<Object>) t0.get("emailIds")).hasSize(3).doesNotContain(child);
    List<Map<String, Object>> members = (List<Map<String, Object>>) args(after, 1).get("list");
    assertThat(members).extracting(e -> e.get("subject")).containsExactly("root", "Re: root", "Re: Re: root");
    assertThat(members.get(1).get("mailboxIds")).isEqualTo(Map.of(archive, true));
    assertThat(members).allSatisfy(e -> assertThat(e).containsEntry("threadId", thread));
  }

  @Test
  @SuppressWarnings("unchecked")
  void badCreatesAreSetErrorsNamingTheProperty() throws Exception {
    String inbox = mailboxId("dot", "inbox");
    Map<String, Object> r = args(call("dot", "Email/set", Map.of("create", Map.of(
        "a", Map.of("mailboxIds", Map.of(inbox, true), "from", List.of(Map.of("email", "not an address"))),
        "b", Map.of("mailboxIds", Map.of()),
        "c", Map.of("mailboxIds", Map.of(inbox, true), "textBody", List.of(Map.of("blobId", "unothere")))))), 0);
    Map<String, Map<String, Object>> notCreated = (Map<String, Map<String, Object>>) r.get("notCreated");
    assertThat(notCreated.get("a")).containsEntry("type", "invalidProperties").containsEntry("properties", List.of("from"));
    assertThat(notCreated.get("b")).containsEntry("properties", List.of("mailboxIds"));
    assertThat(notCreated.get("c")).containsEntry("type", "blobNotFound");
  }
}
