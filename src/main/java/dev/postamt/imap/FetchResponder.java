package dev.postamt.imap;

import static dev.postamt.imap.ResponseWriter.ascii;

import dev.postamt.mime.MimePart;
import dev.postamt.store.MessageContent;
import dev.postamt.store.MessageRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Renders the data items of one FETCH response (RFC 3501 §7.4.2). The message file is read only when
 * an item needs its content, and parsed only when an item needs its structure. Sections are cut from
 * the MIME tree by offsets (RFC 3501 §6.4.5 {@code BODY[<section>]<<partial>>}).
 */
final class FetchResponder {
  static final DateTimeFormatter INTERNALDATE =
      DateTimeFormatter.ofPattern("dd-MMM-yyyy HH:mm:ss Z", Locale.ENGLISH);

  private final SelectedMailbox sel;
  private final MessageRecord rec;
  private final List<String> flags;
  private byte[] content;
  private MimePart root;
  /** Decoded BINARY sections by part number, prepared before the response begins. */
  private final Map<List<Integer>, byte[]> binaries = new HashMap<>();

  FetchResponder(SelectedMailbox sel, MessageRecord rec) {
    this.sel = sel;
    this.rec = rec;
    this.flags = sel.flags(rec);
  }

  /** For cutting sections from a message at hand ({@link #section}), as CATENATE's URLs need. */
  FetchResponder(byte[] content) {
    this.sel = null;
    this.rec = null;
    this.flags = List.of();
    this.content = content;
  }

  static boolean needsContent(List<FetchAttr> attrs) {
    for (FetchAttr a : attrs) {
      if (a instanceof FetchAttr.Section || a instanceof FetchAttr.Binary || a instanceof FetchAttr.BinarySize) {
        return true;
      }
      if (a instanceof FetchAttr.Simple s) {
        switch (s.kind()) {
          case ENVELOPE, BODY, BODYSTRUCTURE, RFC822, RFC822_HEADER, RFC822_TEXT, PREVIEW -> {
            return true;
          }
          default -> {}
        }
      }
    }
    return false;
  }

  /** Whether fetching sets {@code \Seen} (RFC 3501 §6.4.5: BODY[...] and RFC822[.TEXT] do, PEEK does not). */
  static boolean setsSeen(List<FetchAttr> attrs) {
    for (FetchAttr a : attrs) {
      if (a instanceof FetchAttr.Section s && !s.peek()) {
        return true;
      }
      if (a instanceof FetchAttr.Binary b && !b.peek()) {
        return true;
      }
      if (a instanceof FetchAttr.Simple s
          && (s.kind() == FetchAttr.Kind.RFC822 || s.kind() == FetchAttr.Kind.RFC822_TEXT)) {
        return true;
      }
    }
    return false;
  }

  /** Items that are the whole message as it is on disk: streamed from the file, never held in memory. */
  private static boolean wholeMessage(FetchAttr a) {
    return (a instanceof FetchAttr.Section s && s.part().isEmpty() && s.spec().isEmpty() && s.origin() < 0)
        || (a instanceof FetchAttr.Simple k && k.kind() == FetchAttr.Kind.RFC822);
  }

  /** Items answered from the top-level header alone: only the header is read, however big the message. */
  private static boolean headerOnly(FetchAttr a) {
    return switch (a) {
      case FetchAttr.Section s -> s.part().isEmpty() && s.spec().startsWith("HEADER");
      case FetchAttr.Simple k -> k.kind() == FetchAttr.Kind.ENVELOPE || k.kind() == FetchAttr.Kind.RFC822_HEADER;
      default -> false;
    };
  }

  /**
   * The start of the message up to and including its header, as {@link MimePart#parse} sees the header
   * end (blank line, or the first line that is no header field). Read in growing chunks; the header is
   * known once the parse ends it before the last complete line read.
   */
  private static byte[] header(MessageContent file) throws IOException {
    int chunk = 16 * 1024;
    while (true) {
      byte[] prefix = file.read(0, chunk);
      if (prefix.length >= file.size()) {
        return prefix;
      }
      int bodyStart = MimePart.parse(prefix).bodyStart();
      for (int i = bodyStart; i < prefix.length; i++) {
        if (prefix[i] == '\n') {
          return prefix; // the line the header ended at was whole: more bytes cannot change it
        }
      }
      chunk = (int) Math.min(Integer.MAX_VALUE - 16, 4L * chunk);
    }
  }

  /** A range of the whole message ({@code BODY[]<o.n>}): read from the store at its offset, nothing else. */
  private static boolean rangeOfWhole(FetchAttr a) {
    return a instanceof FetchAttr.Section s && s.part().isEmpty() && s.spec().isEmpty() && s.origin() >= 0;
  }

  /**
   * Writes the whole {@code * n FETCH (...)} response. Returns false, writing nothing, when the message
   * file is gone (expunged by another session meanwhile). Message files are immutable and stay readable
   * through an open channel even if unlinked, so a response once begun is always complete. A BINARY
   * item whose transfer encoding is unknown fails before anything is written ({@code NO [UNKNOWN-CTE]}).
   */
  boolean write(ResponseWriter w, int msn, List<FetchAttr> attrs, boolean addFlags)
      throws IOException, ImapException {
    MessageContent file = null;
    if (needsContent(attrs)) {
      file = sel.open(rec).orElse(null);
      if (file == null) {
        return false;
      }
    }
    try {
      List<FetchAttr> parsed =
          attrs.stream().filter(a -> !wholeMessage(a) && !rangeOfWhole(a) && needsContent(List.of(a))).toList();
      // Whether content holds the whole message; if not, whole-message items come from the store.
      boolean whole = false;
      if (file != null && !parsed.isEmpty()) {
        whole = !parsed.stream().allMatch(FetchResponder::headerOnly);
        content = whole ? file.readAllBytes() : header(file);
      }
      for (FetchAttr a : attrs) {
        switch (a) {
          case FetchAttr.Binary b -> decodeBinary(b.part());
          case FetchAttr.BinarySize b -> decodeBinary(b.part());
          default -> {}
        }
      }
      ByteArrayOutputStream o = new ByteArrayOutputStream();
      ascii(o, "* " + UidOnly.fetchHead(msn, rec.uid(), sel.uidOnly));
      boolean first = true;
      boolean flagsDone = false;
      for (FetchAttr a : attrs) {
        if (!first) {
          ascii(o, " ");
        }
        first = false;
        if (a instanceof FetchAttr.Simple s && s.kind() == FetchAttr.Kind.FLAGS) {
          flagsDone = true;
        }
        if (wholeMessage(a) && !whole) {
          ascii(o, (a instanceof FetchAttr.Simple ? "RFC822" : "BODY[]") + " {" + file.size() + "}\r\n");
          w.raw(o.toByteArray());
          o.reset();
          w.stream(file.stream(), file.size());
        } else if (rangeOfWhole(a) && !whole) {
          FetchAttr.Section s = (FetchAttr.Section) a;
          byte[] data = file.read(s.origin(), (int) Math.min(s.length(), Integer.MAX_VALUE - 16));
          ascii(o, "BODY[" + s.label() + "]<" + s.origin() + "> ");
          ResponseWriter.literal(o, data, 0, data.length);
        } else {
          item(o, a);
        }
      }
      if (addFlags && !flagsDone) {
        ascii(o, (first ? "" : " ") + "FLAGS (" + String.join(" ", flags) + ")");
      }
      ascii(o, ")\r\n");
      w.raw(o.toByteArray());
      return true;
    } finally {
      if (file != null) {
        file.close();
      }
    }
  }

  private MimePart root() {
    if (root == null) {
      root = MimePart.parse(content);
    }
    return root;
  }

  private void item(ByteArrayOutputStream o, FetchAttr a) {
    switch (a) {
      case FetchAttr.Simple s -> {
        switch (s.kind()) {
          case UID -> ascii(o, "UID " + rec.uid());
          case FLAGS -> ascii(o, "FLAGS (" + String.join(" ", flags) + ")");
          case INTERNALDATE ->
              ascii(o, "INTERNALDATE \"" + INTERNALDATE.format(Instant.ofEpochMilli(rec.internalDate()).atZone(ZoneId.systemDefault())) + "\"");
          case RFC822_SIZE -> ascii(o, "RFC822.SIZE " + rec.size());
          case MODSEQ -> ascii(o, "MODSEQ (" + rec.modseq() + ")");
          case EMAILID -> ascii(o, "EMAILID (" + ObjectIds.email(sel, rec) + ")");
          case THREADID -> ascii(o, "THREADID NIL");
          case SAVEDATE ->
              ascii(o, "SAVEDATE \"" + INTERNALDATE.format(Instant.ofEpochMilli(rec.saveDate()).atZone(ZoneId.systemDefault())) + "\"");
          case PREVIEW -> {
            ascii(o, "PREVIEW ");
            ResponseWriter.nstring(o, Preview.of(root()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
          }
          case ENVELOPE -> {
            ascii(o, "ENVELOPE ");
            BodyStructure.envelope(o, root());
          }
          case BODY -> {
            ascii(o, "BODY ");
            BodyStructure.body(o, root(), false);
          }
          case BODYSTRUCTURE -> {
            ascii(o, "BODYSTRUCTURE ");
            BodyStructure.body(o, root(), true);
          }
          case RFC822 -> {
            ascii(o, "RFC822 ");
            ResponseWriter.literal(o, content, 0, content.length);
          }
          case RFC822_HEADER -> {
            ascii(o, "RFC822.HEADER ");
            ResponseWriter.literal(o, content, 0, root().bodyStart());
          }
          case RFC822_TEXT -> {
            ascii(o, "RFC822.TEXT ");
            ResponseWriter.literal(o, content, root().bodyStart(), content.length - root().bodyStart());
          }
        }
      }
      case FetchAttr.Section s -> {
        byte[] data = section(s);
        ascii(o, "BODY[" + s.label() + "]");
        int off = 0;
        int len = data.length;
        if (s.origin() >= 0) {
          ascii(o, "<" + s.origin() + ">");
          off = (int) Math.min(s.origin(), data.length);
          len = (int) Math.min(s.length(), data.length - off);
        }
        ascii(o, " ");
        ResponseWriter.literal(o, data, off, len);
      }
      case FetchAttr.Binary b -> {
        byte[] data = binaries.get(b.part());
        ascii(o, "BINARY[" + FetchAttr.partLabel(b.part()) + "]");
        int off = 0;
        int len = data.length;
        if (b.origin() >= 0) {
          ascii(o, "<" + b.origin() + ">");
          off = (int) Math.min(b.origin(), data.length);
          len = (int) Math.min(b.length(), data.length - off);
        }
        ascii(o, " ");
        // RFC 3516 §4.3: a literal8 only when the data holds a NUL, so clients can tell without scanning.
        if (BinaryDecoder.hasNul(data, off, len)) {
          ascii(o, "~");
        }
        ResponseWriter.literal(o, data, off, len);
      }
      case FetchAttr.BinarySize b ->
          ascii(o, "BINARY.SIZE[" + FetchAttr.partLabel(b.part()) + "] " + binaries.get(b.part()).length);
    }
  }

  /**
   * The decoded content of a part for BINARY (RFC 3516 §4.2). Only leaf parts have a transfer encoding
   * to undo; a multipart or message/rfc822 part is returned as BODY[part] would, its own encoding being
   * 7bit, 8bit or binary (RFC 2045 §6.4), whose decoding is the identity. (Dovecot 2.3 decodes the leaves
   * inside such a part and rewrites their headers; imaptest dropped its test of that in commit b701d96,
   * "servers aren't really expected to support converting multiparts into binary".) For the whole of a
   * single-part message the header goes out unchanged before the decoded body.
   * A part that does not exist is empty, as for BODY.
   */
  private void decodeBinary(List<Integer> path) throws ImapException {
    if (binaries.containsKey(path)) {
      return;
    }
    MimePart part = locate(root(), path);
    byte[] data;
    if (part == null) {
      data = new byte[0];
    } else if (part.isMultipart() || part.message() != null) {
      data = path.isEmpty() ? slice(part.start(), part.end()) : slice(part.bodyStart(), part.end());
    } else {
      byte[] body = BinaryDecoder.decode(content, part.bodyStart(), part.end(), part.encoding());
      if (path.isEmpty()) {
        byte[] head = slice(part.start(), part.bodyStart());
        data = java.util.Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, data, head.length, body.length);
      } else {
        data = body;
      }
    }
    binaries.put(path, data);
  }

  /** The decoded content of a part, as {@code BINARY[part]} gives it (URLFETCH's BINARY, RFC 5524). */
  byte[] binary(List<Integer> path) throws ImapException {
    decodeBinary(path);
    return binaries.get(path);
  }

  /**
   * The BODYSTRUCTURE of a part (URLFETCH's BODYPARTSTRUCTURE, RFC 5524 §3.1), or null when there is
   * none. With {@code decoded}, a leaf part whose transfer encoding can be undone is described as
   * BINARY gives it ({@link BodyStructure#decodedLeaf}); a multipart or message/rfc822 part, which
   * BINARY gives unchanged, and a part in an unknown encoding keep their structure as stored.
   */
  byte[] structure(List<Integer> path, boolean decoded) {
    MimePart part = locate(root(), path);
    if (part == null) {
      return null;
    }
    java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
    byte[] body = null;
    if (decoded && !part.isMultipart() && part.message() == null) {
      try {
        body = BinaryDecoder.decode(content, part.bodyStart(), part.end(), part.encoding());
      } catch (ImapException unknownEncoding) {
        // described as stored; BINARY itself is NIL then
      }
    }
    if (body == null) {
      BodyStructure.body(o, part, true);
    } else {
      BodyStructure.decodedLeaf(o, part, body);
    }
    return o.toByteArray();
  }

  /** The bytes of a section; empty when the part does not exist (as Dovecot answers). */
  byte[] section(FetchAttr.Section s) {
    MimePart part = locate(root(), s.part());
    if (part == null) {
      return new byte[0];
    }
    boolean top = s.part().isEmpty();
    MimePart msg = top ? part : part.message();
    switch (s.spec()) {
      case "" -> {
        return top ? slice(part.start(), part.end()) : slice(part.bodyStart(), part.end());
      }
      case "MIME" -> {
        return slice(part.start(), part.bodyStart());
      }
      case "TEXT" -> {
        return msg == null ? new byte[0] : slice(msg.bodyStart(), msg.end());
      }
      case "HEADER" -> {
        return msg == null ? new byte[0] : slice(msg.start(), msg.bodyStart());
      }
      default -> {
        if (msg == null) {
          return new byte[0];
        }
        boolean not = s.spec().endsWith(".NOT");
        Set<String> names = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        names.addAll(s.fields());
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (MimePart.Field f : msg.fields()) {
          if (names.contains(f.name()) != not) {
            o.write(content, f.start(), f.end() - f.start());
            byte last = content[f.end() - 1];
            if (last != '\n') {
              o.write('\r');
              o.write('\n');
            }
          }
        }
        o.write('\r');
        o.write('\n');
        return o.toByteArray();
      }
    }
  }

  /** The part a section number names (RFC 3501 §6.4.5), or null when there is none. */
  static MimePart locate(MimePart root, List<Integer> path) {
    MimePart part = root;
    for (int i = 0; i < path.size(); i++) {
      int n = path.get(i);
      if (i > 0 && part.message() != null) {
        part = part.message();
      }
      if (part.isMultipart()) {
        if (n > part.children().size()) {
          return null;
        }
        part = part.children().get(n - 1);
      } else if (n != 1) {
        return null;
      }
    }
    return part;
  }

  private byte[] slice(int from, int to) {
    return java.util.Arrays.copyOfRange(content, from, Math.max(from, to));
  }
}
