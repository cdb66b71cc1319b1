package dev.postamt.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.jmap.Ids;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** OBJECTID (RFC 8474), SAVEDATE (RFC 8514) and WITHIN (RFC 5032) as transcripts. */
class ImapObjectIdTest {
  static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d-MMM-yyyy", Locale.ENGLISH);
  static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("dd-MMM-yyyy HH:mm:ss Z", Locale.ENGLISH);

  @RegisterExtension final ImapTestServer server = ImapTestServer.create();
  ImapClient c;

  @BeforeEach
  void start() throws Exception {
    c = server.login("alice");
  }

  void append(String mailbox, ZonedDateTime date, String subject) throws Exception {
    String msg = "Subject: " + subject + "\r\n\r\nbody\r\n";
    String d = date == null ? "" : " \"" + DATE_TIME.format(date) + "\"";
    c.run("ap APPEND " + mailbox + d + " {" + msg.length() + "+}\r\n" + msg, "ap OK *");
  }

  static String group(List<String> lines, String regex) {
    Pattern p = Pattern.compile(regex);
    for (String l : lines) {
      Matcher m = p.matcher(l);
      if (m.find()) {
        return m.group(1);
      }
    }
    throw new AssertionError("no line matches " + regex + " in " + lines);
  }

  @Test
  void capabilitiesAreAdvertised() throws Exception {
    String caps = c.run("a CAPABILITY", "a OK *").getFirst();
    assertThat(caps.split(" ")).contains("OBJECTID", "SAVEDATE", "WITHIN", "PREVIEW");
  }

  /** RFC 8474 §4.1–4.3: CREATE, SELECT and STATUS name the mailbox id, and RENAME keeps it. */
  @Test
  void mailboxIdIsJmapsAndSurvivesRename() throws Exception {
    String created = group(c.run("a CREATE foo", "a OK [MAILBOXID (*)] CREATE completed"), "MAILBOXID \\(([^)]+)\\)");
    assertThat(created).matches("[A-Za-z0-9_-]{1,255}");
    long storeId = Ids.mailbox(created);
    assertThat(storeId).isPositive();
    assertThat(server.store.open("alice@example.test").mailbox("foo").orElseThrow().id()).isEqualTo(storeId);
    c.runExactly("b STATUS foo (MAILBOXID)", "* STATUS \"foo\" (MAILBOXID (" + created + "))", "b OK *");
    c.run("c RENAME foo bar", "c OK *");
    c.runExactly("d STATUS bar (MAILBOXID MESSAGES)", "* STATUS \"bar\" (MAILBOXID (" + created + ") MESSAGES 0)", "d OK *");
    c.run("e SELECT bar", "* OK [MAILBOXID (" + created + ")] *", "e OK *");
    // a mailbox deleted and made again is another mailbox (§4.2)
    c.run("f DELETE bar", "f OK *");
    String again = group(c.run("g CREATE bar", "g OK *"), "MAILBOXID \\(([^)]+)\\)");
    assertThat(again).isNotEqualTo(created);
    c.run("h LIST \"\" bar RETURN (STATUS (MAILBOXID))", "* STATUS \"bar\" (MAILBOXID (" + again + "))", "h OK *");
  }

  /** RFC 8474 §5, §6: EMAILID is the JMAP Email id, THREADID NIL; SEARCH by them. */
  @Test
  void emailIdAndThreadId() throws Exception {
    append("INBOX", null, "one");
    append("INBOX", null, "two");
    List<String> sel = c.run("a SELECT INBOX", "a OK *");
    long mailboxId = Ids.mailbox(group(sel, "MAILBOXID \\(([^)]+)\\)"));
    long uidValidity = Long.parseLong(group(sel, "UIDVALIDITY (\\d+)"));
    String e1 = Ids.email(new Ids.MessageRef(mailboxId, uidValidity, 1));
    String e2 = Ids.email(new Ids.MessageRef(mailboxId, uidValidity, 2));
    c.runExactly("b FETCH 1:2 (EMAILID THREADID)",
        "* 1 FETCH (EMAILID (" + e1 + ") THREADID NIL)", "* 2 FETCH (EMAILID (" + e2 + ") THREADID NIL)", "b OK *");
    c.runExactly("c UID FETCH 2 EMAILID", "* 2 FETCH (UID 2 EMAILID (" + e2 + "))", "c OK *");
    c.runExactly("d SEARCH EMAILID " + e2, "* SEARCH 2", "d OK *");
    c.runExactly("e SEARCH EMAILID e0_0_0", "* SEARCH", "e OK *");
    c.runExactly("f SEARCH THREADID t" + e1.substring(1), "* SEARCH", "f OK *");
    c.runExactly("g SEARCH NOT EMAILID " + e1, "* SEARCH 2", "g OK *");
    c.runExactly("h SEARCH EMAILID", "h BAD *");
    // a copy is another message with an id of its own (RFC 8474 §5.1 allows it)
    c.run("i COPY 1 Archive", "i OK *");
    c.run("j SELECT Archive", "j OK *");
    List<String> copied = c.run("k FETCH 1 (EMAILID)", "k OK *");
    assertThat(group(copied, "EMAILID \\(([^)]+)\\)")).isNotEqualTo(e1).startsWith("e");
  }

  /** RFC 8514: SAVEDATE is when the message entered this mailbox, INTERNALDATE what APPEND said. */
  @Test
  void saveDateFetchAndSearch() throws Exception {
    ZonedDateTime old = ZonedDateTime.of(2001, 2, 3, 4, 5, 6, 0, ZoneId.of("+01:00"));
    append("INBOX", old, "old");
    append("INBOX", null, "new");
    c.run("a SELECT INBOX", "a OK *");
    String today = DAY.format(LocalDate.now());
    List<String> f = c.runExactly("b FETCH 1 (INTERNALDATE SAVEDATE)",
        "* 1 FETCH (INTERNALDATE \"03-Feb-2001 *\" SAVEDATE \"*\")", "b OK *");
    String saved = group(f, "SAVEDATE \"([^\"]+)\"");
    ZonedDateTime savedAt = ZonedDateTime.parse(saved, DATE_TIME);
    assertThat(savedAt.toInstant()).isBetween(java.time.Instant.now().minusSeconds(120), java.time.Instant.now());
    c.runExactly("c SEARCH SAVEDON " + today, "* SEARCH 1 2", "c OK *");
    c.runExactly("d SEARCH ON " + today, "* SEARCH 2", "d OK *");
    c.runExactly("e SEARCH SAVEDBEFORE 1-Jan-2002", "* SEARCH", "e OK *");
    c.runExactly("f SEARCH BEFORE 1-Jan-2002", "* SEARCH 1", "f OK *");
    c.runExactly("g SEARCH SAVEDSINCE " + today + " SAVEDATESUPPORTED", "* SEARCH 1 2", "g OK *");
    c.runExactly("h SEARCH SAVEDSINCE 32-Jan-2001", "h BAD *");
    // COPY keeps INTERNALDATE and saves anew (RFC 8514 §1)
    c.run("i COPY 1 Archive", "i OK *");
    c.run("j SELECT Archive", "j OK *");
    c.runExactly("k SEARCH SAVEDSINCE " + today + " BEFORE 1-Jan-2002", "* SEARCH 1", "k OK *");
  }

  /** RFC 5032: YOUNGER and OLDER compare the INTERNALDATE with the moment of the search. */
  @Test
  void withinYoungerAndOlder() throws Exception {
    append("INBOX", ZonedDateTime.now().minusHours(2), "two hours ago");
    append("INBOX", ZonedDateTime.now().minusDays(3), "three days ago");
    append("INBOX", null, "now");
    c.run("a SELECT INBOX", "a OK *");
    c.runExactly("b SEARCH YOUNGER 3600", "* SEARCH 3", "b OK *");
    c.runExactly("c SEARCH OLDER 3600", "* SEARCH 1 2", "c OK *");
    c.runExactly("d SEARCH YOUNGER 86400 OLDER 3600", "* SEARCH 1", "d OK *");
    c.runExactly("e UID SEARCH OLDER 86400", "* SEARCH 2", "e OK *");
    c.runExactly("f SEARCH YOUNGER 0", "f BAD *");
    c.runExactly("g SEARCH OLDER x", "g BAD *");
  }
}
