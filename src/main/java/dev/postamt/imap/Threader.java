package dev.postamt.imap;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The two threading algorithms of RFC 5256 §2.2 and the {@code THREAD} response of §4. Input: the
 * matching messages in sequence-number order, each with its number to report (sequence number or UID)
 * and its {@link SortFields}.
 */
final class Threader {
  /** One message given to the algorithms; {@code order} is its place in the mailbox (the tie-breaker). */
  record Message(long number, int order, SortFields fields) {}

  /** A node of the thread tree: a message, or a dummy (message null) standing for a missing parent. */
  static final class Node {
    /** Null for a dummy; set when the message of a referenced id turns up after the reference. */
    Message message;
    Node parent;
    final List<Node> children = new ArrayList<>();

    Node(Message message) {
      this.message = message;
    }

    boolean dummy() {
      return message == null;
    }

    /** The message a dummy is sorted and named by: its first child's (RFC 5256 §2.2 steps 4, 5, 6). */
    Message representative() {
      Node n = this;
      while (n.dummy() && !n.children.isEmpty()) {
        n = n.children.getFirst();
      }
      return n.message;
    }

    void add(Node child) {
      child.parent = this;
      children.add(child);
    }

    void unlink() {
      if (parent != null) {
        parent.children.remove(this);
        parent = null;
      }
    }

    /** Whether {@code other} is this node or one of its descendants. */
    boolean reaches(Node other) {
      for (Node n = other; n != null; n = n.parent) {
        if (n == this) {
          return true;
        }
      }
      return false;
    }
  }

  private Threader() {}

  /** RFC 5256 §2.2: the order of "sent date", ties by mailbox order; a dummy by its first child. */
  static final Comparator<Node> BY_SENT_DATE = Comparator
      .comparingLong((Node n) -> n.representative() == null ? Long.MAX_VALUE : n.representative().fields().sentDate())
      .thenComparingInt(n -> n.representative() == null ? Integer.MAX_VALUE : n.representative().order());

  /**
   * ORDEREDSUBJECT (RFC 5256 §2.2): messages sorted by base subject then sent date; each run of one base
   * subject is a thread whose first message is the parent of all others; threads ordered by the sent
   * date of their first message.
   */
  static List<Node> orderedSubject(List<Message> messages) {
    List<Message> sorted = new ArrayList<>(messages);
    sorted.sort(Comparator.comparing((Message m) -> m.fields().subject(), BaseSubject::compare)
        .thenComparingLong(m -> m.fields().sentDate())
        .thenComparingInt(Message::order));
    List<Node> threads = new ArrayList<>();
    Node head = null;
    for (Message m : sorted) {
      Node n = new Node(m);
      if (head != null && head.message.fields().subject().equals(m.fields().subject())) {
        head.add(n);
      } else {
        head = n;
        threads.add(n);
      }
    }
    threads.sort(BY_SENT_DATE);
    return threads;
  }

  /** REFERENCES (RFC 5256 §2.2), steps 1 to 6. Returns the children of the root. */
  static List<Node> references(List<Message> messages) {
    // Step 1: the id_table; duplicate or missing Message-IDs get a unique id of their own.
    Map<String, Node> ids = new HashMap<>();
    List<Node> all = new ArrayList<>();
    for (Message m : messages) {
      String id = m.fields().messageId();
      Node n = id == null ? null : ids.get(id);
      if (n != null && n.dummy()) {
        n.message = m; // a reference seen before the message itself
      } else {
        n = new Node(m);
        if (id != null && !ids.containsKey(id)) {
          ids.put(id, n);
        }
      }
      all.add(n);
      // 1.A: link the references in order, parent before child, never changing an existing parent,
      // never making a loop.
      Node prev = null;
      for (String ref : m.fields().references()) {
        Node r = ids.computeIfAbsent(ref, x -> new Node(null));
        if (prev != null && r.parent == null && prev != r && !r.reaches(prev) && !prev.reaches(r)) {
          prev.add(r);
        }
        prev = r;
      }
      // 1.B: the last reference is the parent of the message (its old link was from a truncated
      // References); without references it has no parent.
      n.unlink();
      if (prev != null && prev != n && !n.reaches(prev)) { // never a loop
        prev.add(n);
      }
    }
    // Step 2: everything without a parent under the root.
    Node root = new Node(null);
    Set<Node> seen = new HashSet<>();
    List<Node> tops = new ArrayList<>();
    for (Node n : ids.values()) {
      collectTop(n, seen, tops);
    }
    for (Node n : all) {
      collectTop(n, seen, tops);
    }
    tops.sort(Comparator.comparingInt(Threader::firstOrder)); // deterministic before the sorts below
    for (Node n : tops) {
      root.add(n);
    }
    // Step 3: dummies pruned.
    prune(root);
    // Step 4: the root's children by sent date (a dummy's children sorted first, then by its first).
    for (Node n : root.children) {
      if (n.dummy()) {
        n.children.sort(BY_SENT_DATE);
      }
    }
    root.children.sort(BY_SENT_DATE);
    // Step 5: threads with the same base subject merged.
    groupBySubject(root);
    // Step 6: all siblings by sent date, the deepest first.
    sortDeep(root);
    return root.children;
  }

  private static void collectTop(Node n, Set<Node> seen, List<Node> tops) {
    while (n.parent != null) {
      n = n.parent;
    }
    if (seen.add(n)) {
      tops.add(n);
    }
  }

  private static int firstOrder(Node n) {
    if (!n.dummy()) {
      return n.message.order();
    }
    int min = Integer.MAX_VALUE;
    for (Node c : n.children) {
      min = Math.min(min, firstOrder(c));
    }
    return min;
  }

  /**
   * Step 3: a dummy without children goes; a dummy with children gives them to its parent, except that
   * a dummy directly under the root keeps more than one child (only a single child is promoted there).
   */
  private static void prune(Node parent) {
    List<Node> out = new ArrayList<>();
    List<Node> work = new ArrayList<>(parent.children);
    for (int i = 0; i < work.size(); i++) {
      Node n = work.get(i);
      if (n.dummy() && n.children.isEmpty()) {
        continue;
      }
      if (n.dummy() && (parent.parent != null || parent.message != null || n.children.size() == 1)) {
        work.addAll(i + 1, n.children); // promoted children are examined in turn
        continue;
      }
      prune(n);
      out.add(n);
    }
    parent.children.clear();
    for (Node n : out) {
      n.parent = parent;
      parent.children.add(n);
    }
    // A dummy at the root may lose children to pruning below it and then have just one.
    if (parent.parent == null && parent.message == null) {
      List<Node> again = new ArrayList<>();
      for (Node n : parent.children) {
        if (n.dummy() && n.children.size() == 1) {
          Node only = n.children.getFirst();
          only.parent = parent;
          again.add(only);
        } else if (!(n.dummy() && n.children.isEmpty())) {
          again.add(n);
        }
      }
      parent.children.clear();
      parent.children.addAll(again);
    }
  }

  /** Step 5 of REFERENCES. */
  private static void groupBySubject(Node root) {
    Map<String, Node> table = new HashMap<>();
    for (Node n : root.children) {
      String subject = threadSubject(n);
      if (subject.isEmpty()) {
        continue;
      }
      Node old = table.get(subject);
      if (old == null
          || (!old.dummy() && (n.dummy() || (isReply(old) && !isReply(n))))) {
        table.put(subject, n);
      }
    }
    for (Node n : new ArrayList<>(root.children)) {
      String subject = threadSubject(n);
      if (subject.isEmpty()) {
        continue;
      }
      Node head = table.get(subject);
      if (head == n || n.parent != root) { // n may have been put under a new dummy already
        continue;
      }
      if (head.dummy() && n.dummy()) {
        n.unlink();
        for (Node c : new ArrayList<>(n.children)) {
          c.parent = null;
          head.add(c);
        }
        n.children.clear();
      } else if (head.dummy() || (isReply(n) && !isReply(head))) {
        n.unlink();
        head.add(n);
      } else {
        Node dummy = new Node(null);
        int at = root.children.indexOf(head);
        n.unlink();
        head.unlink();
        dummy.add(head);
        dummy.add(n);
        dummy.parent = root;
        root.children.add(at, dummy);
        table.put(subject, dummy);
      }
    }
  }

  private static String threadSubject(Node n) {
    Message m = n.dummy() ? (n.children.isEmpty() ? null : n.children.getFirst().message) : n.message;
    return m == null ? "" : m.fields().subject();
  }

  private static boolean isReply(Node n) {
    return !n.dummy() && n.message.fields().replyOrForward();
  }

  private static void sortDeep(Node n) {
    for (Node c : n.children) {
      sortDeep(c);
    }
    n.children.sort(BY_SENT_DATE);
  }

  /**
   * The THREAD response's threads (RFC 5256 §4): a node with one child continues the list; with several,
   * each child is a parenthesised list of its own; a dummy contributes only its children.
   */
  static String format(List<Node> threads) {
    StringBuilder b = new StringBuilder("THREAD");
    if (!threads.isEmpty()) {
      b.append(' ');
    }
    for (Node t : threads) {
      b.append('(');
      members(t, b);
      b.append(')');
    }
    return b.toString();
  }

  private static void members(Node n, StringBuilder b) {
    while (true) {
      if (!n.dummy()) {
        if (b.charAt(b.length() - 1) != '(') {
          b.append(' ');
        }
        b.append(n.message.number());
      }
      if (n.children.size() == 1) {
        n = n.children.getFirst();
        continue;
      }
      if (!n.children.isEmpty() && !n.dummy()) {
        b.append(' ');
      }
      for (Node c : n.children) {
        b.append('(');
        members(c, b);
        b.append(')');
      }
      return;
    }
  }
}
