package dev.postamt.imap;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** SEARCH keys (RFC 3501 §6.4.4) and IMAP dates, parsed from a command's bytes. */
final class SearchParser {
  private static final int MAX_DEPTH = 100;
  private final ImapLexer in;

  SearchParser(ImapLexer in) {
    this.in = in;
  }

  SearchKey searchKey() throws ImapException {
    if (++in.depth > MAX_DEPTH) {
      throw ImapException.bad("Search too deeply nested");
    }
    try {
      if (in.peek() == '(') {
        in.pos++;
        List<SearchKey> keys = new ArrayList<>();
        keys.add(searchKey());
        while (in.peek() == ' ') {
          in.sp();
          keys.add(searchKey());
        }
        in.expect(')');
        return keys.size() == 1 ? keys.getFirst() : new SearchKey.And(keys);
      }
      int c = in.peek();
      if ((c >= '0' && c <= '9') || c == '*' || c == '$') {
        return new SearchKey.Sequence(in.sequenceSet(), false);
      }
      String k = in.atom().toUpperCase(Locale.ROOT);
      return switch (k) {
        case "ALL" -> new SearchKey.All();
        case "ANSWERED" -> new SearchKey.Flag("\\Answered", true);
        case "DELETED" -> new SearchKey.Flag("\\Deleted", true);
        case "DRAFT" -> new SearchKey.Flag("\\Draft", true);
        case "FLAGGED" -> new SearchKey.Flag("\\Flagged", true);
        case "SEEN" -> new SearchKey.Flag("\\Seen", true);
        case "RECENT" -> new SearchKey.Flag("\\Recent", true);
        case "UNANSWERED" -> new SearchKey.Flag("\\Answered", false);
        case "UNDELETED" -> new SearchKey.Flag("\\Deleted", false);
        case "UNDRAFT" -> new SearchKey.Flag("\\Draft", false);
        case "UNFLAGGED" -> new SearchKey.Flag("\\Flagged", false);
        case "UNSEEN" -> new SearchKey.Flag("\\Seen", false);
        case "NEW" -> new SearchKey.New();
        case "OLD" -> new SearchKey.Old();
        case "KEYWORD" -> new SearchKey.Flag(in.spThen(in::flag), true);
        case "UNKEYWORD" -> new SearchKey.Flag(in.spThen(in::flag), false);
        case "BCC", "CC", "FROM", "TO", "SUBJECT" -> new SearchKey.Header(k, in.spThen(in::astring));
        case "HEADER" -> {
          String field = in.spThen(in::astring);
          yield new SearchKey.Header(field, in.spThen(in::astring));
        }
        case "BODY" -> new SearchKey.Text(true, in.spThen(in::astring));
        case "TEXT" -> new SearchKey.Text(false, in.spThen(in::astring));
        case "LARGER" -> new SearchKey.Size(true, in.spThen(in::number));
        case "SMALLER" -> new SearchKey.Size(false, in.spThen(in::number));
        case "BEFORE" -> date(SearchKey.DateField.INTERNAL, SearchKey.DateOp.BEFORE);
        case "ON" -> date(SearchKey.DateField.INTERNAL, SearchKey.DateOp.ON);
        case "SINCE" -> date(SearchKey.DateField.INTERNAL, SearchKey.DateOp.SINCE);
        case "SENTBEFORE" -> date(SearchKey.DateField.SENT, SearchKey.DateOp.BEFORE);
        case "SENTON" -> date(SearchKey.DateField.SENT, SearchKey.DateOp.ON);
        case "SENTSINCE" -> date(SearchKey.DateField.SENT, SearchKey.DateOp.SINCE);
        case "SAVEDBEFORE" -> date(SearchKey.DateField.SAVED, SearchKey.DateOp.BEFORE); // RFC 8514 §4.2
        case "SAVEDON" -> date(SearchKey.DateField.SAVED, SearchKey.DateOp.ON);
        case "SAVEDSINCE" -> date(SearchKey.DateField.SAVED, SearchKey.DateOp.SINCE);
        case "SAVEDATESUPPORTED" -> new SearchKey.All(); // RFC 8514 §4.3: every mailbox keeps save dates
        case "YOUNGER" -> new SearchKey.Within(true, in.spThen(in::number)); // RFC 5032
        case "OLDER" -> new SearchKey.Within(false, in.spThen(in::number));
        case "EMAILID" -> new SearchKey.ObjectId(false, in.spThen(in::astring)); // RFC 8474 §6
        case "THREADID" -> new SearchKey.ObjectId(true, in.spThen(in::astring));
        case "UID" -> new SearchKey.Sequence(in.spThen(in::sequenceSet), true);
        case "NOT" -> new SearchKey.Not(in.spThen(this::searchKey));
        case "OR" -> {
          SearchKey a = in.spThen(this::searchKey);
          yield new SearchKey.Or(a, in.spThen(this::searchKey));
        }
        case "MODSEQ" -> {
          in.sp();
          if (in.peek() == '"') {
            in.string();
            in.sp();
            in.atom();
            in.sp();
          }
          yield new SearchKey.ModSeq(in.number());
        }
        default -> throw ImapException.bad("Unknown search key " + ImapLexer.printable(k));
      };
    } finally {
      in.depth--;
    }
  }

  private SearchKey date(SearchKey.DateField f, SearchKey.DateOp op) throws ImapException {
    in.sp();
    String s = in.peek() == '"' ? in.string() : in.atom();
    return new SearchKey.Date(f, op, searchDate(s));
  }

  private static final List<String> MONTHS =
      List.of("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec");

  static LocalDate searchDate(String s) throws ImapException {
    String[] p = s.split("-");
    try {
      if (p.length == 3 && p[0].length() <= 2 && p[2].length() == 4) {
        int m = MONTHS.indexOf(p[1].toLowerCase(Locale.ROOT));
        if (m >= 0) {
          return LocalDate.of(Integer.parseInt(p[2]), m + 1, Integer.parseInt(p[0]));
        }
      }
    } catch (RuntimeException e) {
      // fall through
    }
    throw ImapException.bad("Invalid date " + ImapLexer.printable(s));
  }

  /** {@code "dd-Mon-yyyy hh:mm:ss +zzzz"} (RFC 3501 date-time; day may be space-padded). */
  static ZonedDateTime dateTime(String s) throws ImapException {
    try {
      if (s.length() == 26 && s.charAt(11) == ' ' && s.charAt(20) == ' ') {
        LocalDate d = searchDate(s.substring(0, 11).strip());
        int hh = Integer.parseInt(s.substring(12, 14));
        int mm = Integer.parseInt(s.substring(15, 17));
        int ss = Integer.parseInt(s.substring(18, 20));
        String z = s.substring(21);
        int zh = Integer.parseInt(z.substring(1, 3));
        int zm = Integer.parseInt(z.substring(3, 5));
        if ((z.charAt(0) == '+' || z.charAt(0) == '-') && zm < 60) {
          ZoneOffset off = ZoneOffset.ofTotalSeconds((zh * 3600 + zm * 60) * (z.charAt(0) == '-' ? -1 : 1));
          return ZonedDateTime.of(d.getYear(), d.getMonthValue(), d.getDayOfMonth(), hh, mm, ss, 0, off);
        }
      }
    } catch (RuntimeException | ImapException e) {
      // fall through
    }
    throw ImapException.bad("Invalid date-time " + ImapLexer.printable(s));
  }
}
