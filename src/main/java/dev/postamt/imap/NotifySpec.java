package dev.postamt.imap;

import dev.postamt.store.MailboxNames;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a client asked for with {@code NOTIFY SET} (RFC 5465 §3): event groups, each a mailbox filter
 * with the events wanted from the mailboxes it matches. Parsing is separate from checking: the parser
 * keeps event names it does not know (the check turns them into {@code NO [BADEVENT …]}, RFC 5465
 * §3.1), and mailbox names stay in their wire form until the session decodes them.
 *
 * <p>Matching (RFC 5465 §6): the groups are looked at in order; the first one whose filter matches the
 * mailbox and which names the event, or says {@code NONE}, decides. Message events of the selected
 * mailbox come only from a {@code selected} or {@code selected-delayed} group; those groups take no
 * other events.
 */
record NotifySpec(boolean status, List<Group> groups) {

  /** The mailbox filters of RFC 5465 §6. */
  enum Filter {
    SELECTED,
    SELECTED_DELAYED,
    INBOXES,
    PERSONAL,
    SUBSCRIBED,
    SUBTREE,
    MAILBOXES;

    static Filter of(String atom) {
      for (Filter f : values()) {
        if (f.name().replace('_', '-').equalsIgnoreCase(atom)) {
          return f;
        }
      }
      return null;
    }

    boolean selected() {
      return this == SELECTED || this == SELECTED_DELAYED;
    }
  }

  /** The events of RFC 5465 §5 (AnnotationChange is parsed, but refused: there are no message annotations). */
  enum Event {
    MESSAGE_NEW("MessageNew", true),
    MESSAGE_EXPUNGE("MessageExpunge", true),
    FLAG_CHANGE("FlagChange", true),
    ANNOTATION_CHANGE("AnnotationChange", true),
    MAILBOX_NAME("MailboxName", false),
    SUBSCRIPTION_CHANGE("SubscriptionChange", false),
    MAILBOX_METADATA_CHANGE("MailboxMetadataChange", false),
    SERVER_METADATA_CHANGE("ServerMetadataChange", false);

    final String wire;
    final boolean message;

    Event(String wire, boolean message) {
      this.wire = wire;
      this.message = message;
    }

    static Event of(String atom) {
      for (Event e : values()) {
        if (e.wire.equalsIgnoreCase(atom)) {
          return e;
        }
      }
      return null;
    }
  }

  /** The events this server reports, in the order {@code BADEVENT} lists them. */
  static final Set<Event> SUPPORTED = EnumSet.complementOf(EnumSet.of(Event.ANNOTATION_CHANGE));

  /**
   * One event group; {@code events} empty for {@code NONE}; {@code unknown} the event names not in
   * RFC 5465; {@code fetch} the attributes of {@code MessageNew (…)}; {@code mailboxes} the wire names
   * of a SUBTREE or MAILBOXES filter.
   */
  record Group(Filter filter, List<String> mailboxes, Set<Event> events, List<String> unknown, List<FetchAttr> fetch) {}

  // ---- parsing (RFC 5465 §8) -----------------------------------------------------------------------

  /** {@code NOTIFY NONE} is a spec without groups; else {@code NOTIFY SET [STATUS] event-group…}. */
  static Command parse(CommandParser p) throws ImapException {
    p.sp();
    String word = p.atom();
    if (word.equalsIgnoreCase("NONE")) {
      return new Command.Notify(new NotifySpec(false, List.of()));
    }
    if (!word.equalsIgnoreCase("SET")) {
      throw ImapException.bad("Expected NOTIFY SET or NOTIFY NONE");
    }
    p.sp();
    boolean status = false;
    if (p.peekWord("STATUS")) {
      p.atom();
      p.sp();
      status = true;
    }
    List<Group> groups = new ArrayList<>();
    groups.add(group(p));
    while (p.peek() == ' ') {
      p.sp();
      groups.add(group(p));
    }
    return new Command.Notify(new NotifySpec(status, List.copyOf(groups)));
  }

  private static Group group(CommandParser p) throws ImapException {
    p.expect('(');
    String f = p.atom();
    Filter filter = Filter.of(f);
    if (filter == null) {
      throw ImapException.bad("Unknown NOTIFY mailbox filter " + CommandParser.printable(f));
    }
    List<String> mailboxes = new ArrayList<>();
    if (filter == Filter.SUBTREE || filter == Filter.MAILBOXES) {
      p.sp();
      if (p.peek() == '(') {
        p.expect('(');
        mailboxes.add(p.astring());
        while (p.peek() == ' ') {
          p.sp();
          mailboxes.add(p.astring());
        }
        p.expect(')');
      } else {
        mailboxes.add(p.astring());
      }
    }
    Set<Event> events = EnumSet.noneOf(Event.class);
    List<String> unknown = new ArrayList<>();
    List<FetchAttr> fetch = new ArrayList<>();
    p.sp();
    if (p.peek() != '(') {
      if (!p.atom().equalsIgnoreCase("NONE")) {
        throw ImapException.bad("Expected an event list or NONE");
      }
    } else {
      p.expect('(');
      do {
        if (!events.isEmpty() || !unknown.isEmpty()) {
          p.sp();
        }
        String name = p.atom();
        Event e = Event.of(name);
        if (e == null) {
          unknown.add(name);
        } else {
          events.add(e);
        }
        if (e == Event.MESSAGE_NEW && p.peek() == ' ' && peekAfterSpace(p) == '(') {
          p.sp();
          p.expect('(');
          fetch.addAll(FetchParser.attribute(p));
          while (p.peek() == ' ') {
            p.sp();
            fetch.addAll(FetchParser.attribute(p));
          }
          p.expect(')');
        }
      } while (p.peek() == ' ');
      p.expect(')');
    }
    p.expect(')');
    return new Group(filter, List.copyOf(mailboxes), events, List.copyOf(unknown), List.copyOf(fetch));
  }

  private static int peekAfterSpace(CommandParser p) {
    return p.pos + 1 < p.b.length ? p.b[p.pos + 1] : -1;
  }

  // ---- checking (RFC 5465 §3.1, §5) ------------------------------------------------------------------

  /** The rules a valid request keeps; a broken one is BAD, an unsupported event NO [BADEVENT]. */
  void check() throws ImapException {
    boolean haveSelected = false;
    for (Group g : groups) {
      if (g.events().contains(Event.ANNOTATION_CHANGE) || !g.unknown().isEmpty()) {
        StringBuilder list = new StringBuilder();
        for (Event e : SUPPORTED) {
          list.append(list.isEmpty() ? "" : " ").append(e.wire);
        }
        throw ImapException.no("BADEVENT (" + list + ")", "Event not supported");
      }
      boolean isNew = g.events().contains(Event.MESSAGE_NEW);
      if (isNew != g.events().contains(Event.MESSAGE_EXPUNGE)) {
        throw ImapException.bad("MessageNew and MessageExpunge go together"); // RFC 5465 §5.2
      }
      if (g.events().contains(Event.FLAG_CHANGE) && !isNew) {
        throw ImapException.bad("FlagChange needs MessageNew and MessageExpunge"); // RFC 5465 §5.3
      }
      if (g.filter().selected()) {
        if (haveSelected) {
          throw ImapException.bad("Only one selected or selected-delayed filter"); // RFC 5465 §6
        }
        haveSelected = true;
        if (g.events().stream().anyMatch(e -> !e.message)) {
          throw ImapException.bad("The selected mailbox takes message events only"); // RFC 5465 §6
        }
      } else if (!g.fetch().isEmpty()) {
        throw ImapException.bad("Fetch attributes only for the selected mailbox"); // RFC 5465 §5.1
      }
    }
  }

  /** The group for the selected mailbox, or null. */
  Group selectedGroup() {
    for (Group g : groups) {
      if (g.filter().selected()) {
        return g;
      }
    }
    return null;
  }

  /**
   * Whether {@code event} of the mailbox {@code name} (not the selected one for message events) is to
   * be reported. {@code mailboxes} are the decoded names of each group's SUBTREE/MAILBOXES list, by
   * group index; {@code subscribed} tells whether the mailbox is subscribed.
   */
  boolean wants(Event event, String name, boolean isSelected, List<List<String>> mailboxes, boolean subscribed) {
    for (int i = 0; i < groups.size(); i++) {
      Group g = groups.get(i);
      if (g.filter().selected()) {
        if (isSelected && event.message) {
          return g.events().contains(event);
        }
        continue;
      }
      if (isSelected && event.message) {
        continue;
      }
      if (!matches(g.filter(), name, mailboxes.get(i), subscribed)) {
        continue;
      }
      if (g.events().isEmpty()) {
        return false; // NONE: nothing from these mailboxes
      }
      if (g.events().contains(event)) {
        return true;
      }
    }
    return false;
  }

  /** Whether any non-selected group names the event (ServerMetadataChange has no mailbox to match). */
  boolean anyWants(Event event) {
    return groups.stream().anyMatch(g -> !g.filter().selected() && g.events().contains(event));
  }

  /**
   * RFC 5465 §6 filters. {@code inboxes} are the mailboxes mail is delivered to: INBOX and what lies
   * under it, and Junk (where the spam filter files mail); Sieve may file elsewhere, but that is the
   * user's own choice of folder, not an inbox.
   */
  private static boolean matches(Filter f, String name, List<String> names, boolean subscribed) {
    return switch (f) {
      case PERSONAL -> !SharedMailboxes.isForeign(name); // RFC 5465 §6: the personal namespace only
      case INBOXES -> name.equals(MailboxNames.INBOX) || name.startsWith(MailboxNames.INBOX + MailboxNames.SEPARATOR)
          || name.toLowerCase(Locale.ROOT).equals("junk");
      case SUBSCRIBED -> subscribed;
      case SUBTREE -> names.stream().anyMatch(n -> name.equals(n) || name.startsWith(n + MailboxNames.SEPARATOR));
      case MAILBOXES -> names.contains(name);
      case SELECTED, SELECTED_DELAYED -> false;
    };
  }
}
