package dev.postamt.imap;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SEARCHRES (RFC 5182): {@code SEARCH RETURN (SAVE ...)} and the {@code $} marker in FETCH, STORE,
 * COPY, MOVE, SEARCH, UID EXPUNGE and their UID forms.
 *
 * <p>Five messages, UIDs 1–5; UIDs 2 and 4 are \Flagged. UID 1 is expunged at the start, so sequence
 * numbers and UIDs differ by one: message n is UID n+1.
 */
class ImapSearchresTest {
  static final String MSG = "Subject: m\r\n\r\nbody\r\n";

  @RegisterExtension final ImapTestServer server = ImapTestServer.create();
  ImapClient c;

  @BeforeEach
  void start() throws Exception {
    c = server.login("alice");
    for (String flags : new String[] {"(\\Deleted)", "(\\Flagged)", "()", "(\\Flagged)", "()", "()"}) {
      c.run("ap APPEND INBOX " + flags + " {" + MSG.length() + "+}\r\n" + MSG, "ap OK *");
    }
    c.run("s SELECT INBOX", "* 6 EXISTS", "s OK *");
    c.run("x EXPUNGE", "* 1 EXPUNGE", "x OK *");
  }

  @Test
  void advertised() throws Exception {
    c.run("a CAPABILITY", "* CAPABILITY * ESEARCH * SEARCHRES *", "a OK *");
  }

  @Test
  void emptyBeforeAnySaveAndNotAnError() throws Exception {
    c.runExactly("a FETCH $ (UID)", "a OK *");
    c.runExactly("b UID FETCH $ (FLAGS)", "b OK *");
    c.runExactly("c COPY $ Trash", "c OK *"); // RFC 5182 example 6
    c.runExactly("d SEARCH $", "* SEARCH", "d OK *");
  }

  /** RFC 5182 examples 1 and 3: save, then use as message numbers or UIDs. */
  @Test
  void saveAloneAnswersNothingAndFeedsLaterCommands() throws Exception {
    c.runExactly("a SEARCH RETURN (SAVE) FLAGGED", "a OK *"); // SAVE alone: no ESEARCH
    c.runExactly("b FETCH $ (UID)", "* 1 FETCH (UID 2)", "* 3 FETCH (UID 4)", "b OK *");
    c.runExactly("c UID FETCH $ (UID)", "* 1 FETCH (UID 2)", "* 3 FETCH (UID 4)", "c OK *");
    c.runExactly("d UID SEARCH UID $ SMALLER 4096", "* SEARCH 2 4", "d OK *");
    c.runExactly("e UID SEARCH $ SMALLER 4096", "* SEARCH 2 4", "e OK *");
    c.runExactly("f SEARCH OR $ 2", "* SEARCH 1 2 3", "f OK *"); // example 4
    c.runExactly("g SEARCH NOT $", "* SEARCH 2 4 5", "g OK *");
  }

  @Test
  void uidSearchSavesForSequenceCommandsToo() throws Exception {
    c.runExactly("a UID SEARCH RETURN (SAVE ALL) UNFLAGGED", "* ESEARCH (TAG \"a\") UID ALL 3,5:6", "a OK *");
    c.runExactly("b FETCH $ (UID)", "* 2 FETCH (UID 3)", "* 4 FETCH (UID 5)", "* 5 FETCH (UID 6)", "b OK *");
  }

  /** RFC 5182 §2.4 and example 10: what "$" holds for each combination of result options. */
  @Test
  void saveWithMinMaxSavesOnlyThose() throws Exception {
    c.runExactly("a SEARCH RETURN (SAVE MIN) ALL", "* ESEARCH (TAG \"a\") MIN 1", "a OK *");
    c.runExactly("b SEARCH $", "* SEARCH 1", "b OK *");
    c.runExactly("c SEARCH RETURN (MAX SAVE MIN) ALL", "* ESEARCH (TAG \"c\") MAX 5 MIN 1", "c OK *");
    c.runExactly("d SEARCH $", "* SEARCH 1 5", "d OK *");
    c.runExactly("e SEARCH RETURN (MAX SAVE MIN COUNT) 2:4", "* ESEARCH (TAG \"e\") MAX 4 MIN 2 COUNT 3", "e OK *");
    c.runExactly("f SEARCH $", "* SEARCH 2 3 4", "f OK *");
    c.runExactly("i SEARCH RETURN (ALL SAVE) 1:3", "* ESEARCH (TAG \"i\") ALL 1:3", "i OK *");
    c.runExactly("j SEARCH $", "* SEARCH 1 2 3", "j OK *");
    c.runExactly("k SEARCH RETURN (MIN) 5", "* ESEARCH (TAG \"k\") MIN 5", "k OK *"); // no SAVE: unchanged
    c.runExactly("l SEARCH $", "* SEARCH 1 2 3", "l OK *");
    c.runExactly("m SEARCH RETURN (SAVE MIN) KEYWORD nothing", "* ESEARCH (TAG \"m\")", "m OK *");
    c.runExactly("n SEARCH $", "* SEARCH", "n OK *");
  }

  /** RFC 5182 §2.1: BAD leaves "$" alone, NO empties it (example 5). */
  @Test
  void errors() throws Exception {
    c.run("a SEARCH RETURN (SAVE) FLAGGED", "a OK *");
    c.runExactly("b SEARCH RETURN (SAVE) NOSUCHKEY", "b BAD *");
    c.runExactly("c SEARCH RETURN (SAVE BOGUS) ALL", "c BAD *");
    c.runExactly("d SEARCH $", "* SEARCH 1 3", "d OK *");
    c.runExactly("e SEARCH CHARSET KOI8-R $", "e NO [BADCHARSET *"); // no SAVE: unchanged
    c.runExactly("f SEARCH $", "* SEARCH 1 3", "f OK *");
    c.runExactly("g SEARCH RETURN (SAVE) CHARSET KOI8-R ALL", "g NO [BADCHARSET *");
    c.runExactly("h SEARCH $", "* SEARCH", "h OK *");
  }

  @Test
  void dollarInStoreCopyMoveAndUidExpunge() throws Exception {
    c.run("a SEARCH RETURN (SAVE) FLAGGED", "a OK *");
    c.runExactly("b STORE $ +FLAGS (\\Seen)", "* 1 FETCH (FLAGS (\\Flagged \\Seen \\Recent))",
        "* 3 FETCH (FLAGS (\\Flagged \\Seen \\Recent))", "b OK *");
    c.run("c COPY $ Trash", "c OK [COPYUID * 2,4 1:2] *");
    c.run("d UID STORE $ +FLAGS.SILENT (\\Deleted)", "d OK *");
    c.runExactly("e UID EXPUNGE $", "* 3 EXPUNGE", "* 1 EXPUNGE", "e OK *");
    // Expunged messages leave "$".
    c.runExactly("f FETCH $ (UID)", "f OK *");
    c.run("g SEARCH RETURN (SAVE) 1:2", "g OK *");
    c.runExactly("h MOVE $ Trash", "* OK [COPYUID * 3,5 3:4] *", "* 2 EXPUNGE", "* 1 EXPUNGE", "h OK *");
    c.run("i STATUS Trash (MESSAGES)", "* STATUS \"Trash\" (MESSAGES 4)", "i OK *");
  }

  @Test
  void clearedBySelectAndOnlyAllowedAlone() throws Exception {
    c.run("a SEARCH RETURN (SAVE) ALL", "a OK *");
    c.run("b SELECT INBOX", "b OK *");
    c.runExactly("c FETCH $ (UID)", "c OK *");
    c.runExactly("d FETCH 1,$ (UID)", "d BAD *");
    c.runExactly("e FETCH $1 (UID)", "e BAD *");
    c.runExactly("f FETCH $:2 (UID)", "f BAD *");
  }

  @Test
  void savedResultIsPerConnection() throws Exception {
    c.run("a SEARCH RETURN (SAVE) FLAGGED", "a OK *");
    try (ImapClient b = server.login("alice")) {
      b.run("b SELECT INBOX", "b OK *");
      assertThat(b.runExactly("c FETCH $ (UID)", "c OK *")).hasSize(1);
    }
    c.runExactly("d FETCH $ (UID)", "* 1 FETCH (UID 2)", "* 3 FETCH (UID 4)", "d OK *");
  }
}
