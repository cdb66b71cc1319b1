package dev.postamt.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postamt.imap.Command.StoreMode;
import dev.postamt.imap.FetchAttr.Kind;
import dev.postamt.imap.SearchKey.DateField;
import dev.postamt.imap.SearchKey.DateOp;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The command parser as tables: wire bytes in, typed records out; malformed input gives BAD. */
class ImapParserTest {

  static SequenceSet set(long... pairs) {
    List<SequenceSet.Range> r = new java.util.ArrayList<>();
    for (int i = 0; i < pairs.length; i += 2) {
      r.add(new SequenceSet.Range(pairs[i], pairs[i + 1]));
    }
    return new SequenceSet(r);
  }

  static FetchAttr simple(Kind k) {
    return new FetchAttr.Simple(k);
  }

  static Stream<Arguments> commands() {
    long star = SequenceSet.STAR;
    return Stream.of(
        Arguments.of("a1 CAPABILITY", new Command.Capability()),
        Arguments.of("a1 noop", new Command.Noop()),
        Arguments.of("x LOGIN alice secret", new Command.Login("alice", "secret")),
        Arguments.of("x LOGIN \"al\\\"ice\" {3}\r\na b", new Command.Login("al\"ice", "a b")),
        Arguments.of("x LOGIN {5+}\r\nalice \"\"", new Command.Login("alice", "")),
        Arguments.of("x AUTHENTICATE PLAIN AGFsaWNlAHNlY3JldA==",
            new Command.Authenticate("PLAIN", Optional.of("AGFsaWNlAHNlY3JldA=="))),
        Arguments.of("x authenticate plain", new Command.Authenticate("PLAIN", Optional.empty())),
        Arguments.of("x SELECT inbox", new Command.Select("inbox", false, false)),
        Arguments.of("x EXAMINE \"Sent Items\" (CONDSTORE)", new Command.Select("Sent Items", true, true)),
        Arguments.of("x CREATE foo/bar", new Command.Create("foo/bar", List.of())),
        Arguments.of("x CREATE Sent (USE (\\Sent))", new Command.Create("Sent", List.of("\\Sent"))),
        Arguments.of("x RENAME a b", new Command.Rename("a", "b")),
        Arguments.of("x LIST \"\" *", new Command.ListMailboxes("", List.of("*"), false, List.of(), List.of(), List.of())),
        Arguments.of("x LIST \"\" %/a]b", new Command.ListMailboxes("", List.of("%/a]b"), false, List.of(), List.of(), List.of())),
        Arguments.of("x LIST (SPECIAL-USE) \"\" (INBOX \"S*\") RETURN (CHILDREN)",
            new Command.ListMailboxes("", List.of("INBOX", "S*"), false, List.of("SPECIAL-USE"), List.of("CHILDREN"), List.of())),
        Arguments.of("x LIST \"\" % RETURN (SUBSCRIBED STATUS (MESSAGES UNSEEN))",
            new Command.ListMailboxes("", List.of("%"), false, List.of(), List.of("SUBSCRIBED", "STATUS"), List.of("MESSAGES", "UNSEEN"))),
        Arguments.of("x LSUB ref %", new Command.ListMailboxes("ref", List.of("%"), true, List.of(), List.of(), List.of())),
        Arguments.of("x STATUS INBOX (MESSAGES UNSEEN)", new Command.Status("INBOX", List.of("MESSAGES", "UNSEEN"))),
        Arguments.of("x UID EXPUNGE 1:3,7", new Command.Expunge(Optional.of(set(1, 3, 7, 7)))),
        Arguments.of("x EXPUNGE", new Command.Expunge(Optional.empty())),
        Arguments.of("x FETCH 1:* (FLAGS UID)",
            new Command.Fetch(false, set(1, star), List.of(simple(Kind.FLAGS), simple(Kind.UID)), false, -1)),
        Arguments.of("x FETCH 2 fast",
            new Command.Fetch(false, set(2, 2), List.of(simple(Kind.FLAGS), simple(Kind.INTERNALDATE), simple(Kind.RFC822_SIZE)), true, -1)),
        Arguments.of("x UID FETCH *:4 BODY.PEEK[1.2.HEADER.FIELDS (From \"To\")]<10.20>",
            new Command.Fetch(true, set(star, 4), List.of(simple(Kind.UID),
                new FetchAttr.Section(true, List.of(1, 2), "HEADER.FIELDS", List.of("From", "To"), 10, 20)), false, -1)),
        Arguments.of("x FETCH 1 (BODY[] RFC822.SIZE)",
            new Command.Fetch(false, set(1, 1), List.of(new FetchAttr.Section(false, List.of(), "", List.of(), -1, -1),
                simple(Kind.RFC822_SIZE)), false, -1)),
        Arguments.of("x STORE 1,2 +FLAGS.SILENT (\\Seen $Junk)",
            new Command.Store(false, set(1, 1, 2, 2), StoreMode.ADD, true, List.of("\\Seen", "$Junk"), -1)),
        Arguments.of("x UID STORE 5 FLAGS \\Deleted",
            new Command.Store(true, set(5, 5), StoreMode.REPLACE, false, List.of("\\Deleted"), -1)),
        Arguments.of("x STORE 1 -flags ()", new Command.Store(false, set(1, 1), StoreMode.REMOVE, false, List.of(), -1)),
        Arguments.of("x UID FETCH 1:* (FLAGS) (CHANGEDSINCE 12345)",
            new Command.Fetch(true, set(1, star), List.of(simple(Kind.UID), simple(Kind.FLAGS), simple(Kind.MODSEQ)), false, 12345)),
        Arguments.of("x STORE 1 (UNCHANGEDSINCE 0) +FLAGS \\Seen",
            new Command.Store(false, set(1, 1), StoreMode.ADD, false, List.of("\\Seen"), 0)),
        Arguments.of("x UID MOVE 1:2 Trash", new Command.Copy(true, set(1, 2), "Trash", true)),
        Arguments.of("x COPY 3 \"Sent\"", new Command.Copy(false, set(3, 3), "Sent", false)),
        Arguments.of("x SEARCH UNSEEN", new Command.Search(false, Optional.empty(), new SearchKey.Flag("\\Seen", false), null)),
        Arguments.of("x UID SEARCH CHARSET UTF-8 OR FROM a (SUBJECT {2}\r\nhi SINCE 1-Feb-2024) NOT 1:2",
            new Command.Search(true, Optional.of("UTF-8"), new SearchKey.And(List.of(
                new SearchKey.Or(new SearchKey.Header("FROM", "a"), new SearchKey.And(List.of(
                    new SearchKey.Header("SUBJECT", "hi"),
                    new SearchKey.Date(DateField.INTERNAL, DateOp.SINCE, LocalDate.of(2024, 2, 1))))),
                new SearchKey.Not(new SearchKey.Sequence(set(1, 2), false)))), null)),
        Arguments.of("x SEARCH RETURN (MIN COUNT) LARGER 10",
            new Command.Search(false, Optional.empty(), new SearchKey.Size(true, 10), List.of("MIN", "COUNT"))),
        Arguments.of("x SEARCH HEADER X-Spam \"\" UID 4:* KEYWORD $Forwarded",
            new Command.Search(false, Optional.empty(), new SearchKey.And(List.of(new SearchKey.Header("X-Spam", ""),
                new SearchKey.Sequence(set(4, star), true), new SearchKey.Flag("$Forwarded", true))), null)),
        Arguments.of("x ID NIL", new Command.Id(List.of())),
        Arguments.of("x ID (\"name\" \"mutt\" \"version\" NIL)", new Command.Id(java.util.Arrays.asList("name", "mutt", "version", null))),
        Arguments.of("x ENABLE CONDSTORE UTF8=ACCEPT", new Command.Enable(List.of("CONDSTORE", "UTF8=ACCEPT"))),
        Arguments.of("x IDLE", new Command.Idle()),
        Arguments.of("x UNSELECT", new Command.Unselect()),
        Arguments.of("x SORT (REVERSE date subject) UTF-8 UNSEEN",
            new Command.Sort(false, List.of(new SortCommands.Criterion("DATE", true), new SortCommands.Criterion("SUBJECT", false)),
                "UTF-8", new SearchKey.Flag("\\Seen", false), null)),
        Arguments.of("x UID SORT RETURN (MIN PARTIAL 1:10) (DISPLAYFROM) \"us-ascii\" 1:5 LARGER 3",
            new Command.Sort(true, List.of(new SortCommands.Criterion("DISPLAYFROM", false)), "us-ascii",
                new SearchKey.And(List.of(new SearchKey.Sequence(set(1, 5), false), new SearchKey.Size(true, 3))),
                List.of("MIN", "PARTIAL 1:10"))),
        Arguments.of("x UID THREAD references UTF-8 ALL",
            new Command.Thread(true, "REFERENCES", "UTF-8", new SearchKey.All())),
        Arguments.of("x COMPRESS deflate", new Command.Compress("DEFLATE")));
  }

  @ParameterizedTest
  @MethodSource("commands")
  void parses(String wire, Command expected) throws Exception {
    Command.Tagged t = CommandParser.parse(wire.getBytes(StandardCharsets.UTF_8));
    assertThat(t.command()).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",
      " NOOP",
      "a+b NOOP",
      "a",
      "a NOOP extra",
      "a LOGIN alice",
      "a LOGIN \"unterminated",
      "a LOGIN {10}\r\nshort",
      "a LOGIN \"bad\\escape\" x",
      "a SELECT",
      "a FETCH 0 FLAGS",
      "a FETCH 1:x FLAGS",
      "a FETCH 1 (FLAGS",
      "a FETCH 1 BODY[HEADER.FIELDS]",
      "a FETCH 1 BODY[MIME]",
      "a FETCH 1 BODY[1.BOGUS]",
      "a FETCH 1 BODY[]<1>",
      "a FETCH 1 NOTANITEM",
      "a STORE 1 FLAGZ (\\Seen)",
      "a SEARCH",
      "a SEARCH FROM",
      "a SEARCH BEFORE 32-Jan-2020",
      "a SEARCH (ALL",
      "a UID NOOP",
      "a SORT (SUBJECT) UTF-8",
      "a SORT SUBJECT UTF-8 ALL",
      "a SORT (SUBJECT REVERSE) UTF-8 ALL",
      "a SORT (ARRIVAL) ALL",
      "a SORT RETURN (PARTIAL 0:3) (ARRIVAL) UTF-8 ALL",
      "a THREAD REFERENCES UTF-8",
      "a UID COMPRESS DEFLATE",
      "a COMPRESS",
      "a UID",
      "a BOGUS",
      "a APPEND INBOX \"not a date\" {1}\r\nx",
      "a APPEND INBOX (\\Seen)",
      "a STATUS INBOX ()",
  })
  void rejects(String wire) {
    assertThatThrownBy(() -> CommandParser.parse(wire.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(ImapException.class)
        .extracting(e -> ((ImapException) e).status())
        .isEqualTo(ImapException.Status.BAD);
  }

  @org.junit.jupiter.api.Test
  void appendCarriesBytesAndDate() throws Exception {
    byte[] wire = "a APPEND Drafts (\\Draft) \" 5-Mar-2024 09:08:07 -0130\" {4}\r\n\u00ff\r\n\n".getBytes(StandardCharsets.ISO_8859_1);
    Command.Append a = (Command.Append) CommandParser.parse(wire).command();
    assertThat(a.mailbox()).isEqualTo("Drafts");
    assertThat(a.flags()).containsExactly("\\Draft");
    assertThat(a.date()).contains(ZonedDateTime.of(2024, 3, 5, 9, 8, 7, 0, ZoneOffset.ofHoursMinutes(-1, -30)));
    assertThat(a.message().bytes()).containsExactly(0xff, '\r', '\n', '\n');
  }

  @org.junit.jupiter.api.Test
  void deeplyNestedSearchIsRefusedNotOverflowed() {
    String wire = "a SEARCH " + "(".repeat(5000) + "ALL" + ")".repeat(5000);
    assertThatThrownBy(() -> CommandParser.parse(wire.getBytes(StandardCharsets.US_ASCII))).isInstanceOf(ImapException.class);
    String nots = "a SEARCH " + "NOT ".repeat(5000) + "ALL";
    assertThatThrownBy(() -> CommandParser.parse(nots.getBytes(StandardCharsets.US_ASCII))).isInstanceOf(ImapException.class);
  }

  @org.junit.jupiter.api.Test
  void sequenceSets() {
    assertThat(SequenceSet.parse("1:3,5,7:*").contains(6, 10)).isFalse();
    assertThat(SequenceSet.parse("1:3,5,7:*").contains(10, 10)).isTrue();
    assertThat(SequenceSet.parse("*:3").contains(2, 1)).isTrue(); // *:3 with max 1 is 1:3
    assertThat(SequenceSet.parse("4294967296")).isNull();
    assertThat(SequenceSet.parse("01")).isNull();
    assertThat(SequenceSet.format(List.of(1L, 2L, 3L, 5L, 7L, 8L))).isEqualTo("1:3,5,7:8");
  }

  @org.junit.jupiter.api.Test
  void literalAtEndOfLine() {
    assertThat(CommandReader.literalAtEnd("a LOGIN {5}".getBytes())).containsExactly(5, 0);
    assertThat(CommandReader.literalAtEnd("a LOGIN {5+}".getBytes())).containsExactly(5, 1);
    assertThat(CommandReader.literalAtEnd("a LOGIN {}".getBytes())).isNull();
    assertThat(CommandReader.literalAtEnd("a LOGIN {x}".getBytes())).isNull();
    assertThat(CommandReader.literalAtEnd("a LOGIN {99999999999999}".getBytes())).isNull();
  }

  @org.junit.jupiter.api.Test
  void modifiedUtf7() {
    assertThat(ModifiedUtf7.encode("Entwürfe")).isEqualTo("Entw&APw-rfe");
    assertThat(ModifiedUtf7.encode("A&B")).isEqualTo("A&-B");
    assertThat(ModifiedUtf7.encode("日本語")).isEqualTo("&ZeVnLIqe-");
    assertThat(ModifiedUtf7.decode("&ZeVnLIqe-")).isEqualTo("日本語");
    assertThat(ModifiedUtf7.decode("A&-B")).isEqualTo("A&B");
    assertThat(ModifiedUtf7.decode("&AGE-")).isNull(); // encoded printable ASCII
    assertThat(ModifiedUtf7.decode("&ZeVnLIqe")).isNull();
    assertThat(ModifiedUtf7.decode("Entw&APw-&AHI-fe")).isNull();
    assertThat(ModifiedUtf7.decode("ü")).isNull();
  }
}
