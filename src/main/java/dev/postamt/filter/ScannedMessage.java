package dev.postamt.filter;

import dev.postamt.mime.HeaderSection;
import dev.postamt.mime.HeaderText;
import dev.postamt.mime.MimePart;
import dev.postamt.mime.TransferDecoding;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeTraversor;
import org.jsoup.select.Evaluator;
import org.jsoup.select.NodeVisitor;
import org.jsoup.select.QueryParser;

/**
 * One message as the scan sees it: its bytes (up to {@code spam.max_size}, read once), its header
 * section and MIME tree, and, computed on first use and then shared by every check, the decoded text
 * parts, HTML reduced to text, the links of HTML parts and the attachments. Derived data a check wants
 * to share (URIs, Bayes tokens) is kept with {@link #derived}.
 *
 * <p>Text is decoded from its transfer encoding and charset (an unknown charset is read as
 * windows-1252, as mail readers do). Nothing here throws for malformed input.
 */
public final class ScannedMessage {
  /** Text parts decoded; attachments beyond this many bytes of text are cut, like SpamAssassin's body limit. */
  static final int MAX_TEXT_PER_PART = 1 << 20;

  /**
   * A decoded text part.
   *
   * @param part where it is in the MIME tree
   * @param mimeType {@code text/plain}, {@code text/html}, …
   * @param text what a reader sees: the decoded text, for HTML the rendered text (block elements end lines)
   * @param html the HTML source, decoded; null for other types
   */
  public record TextPart(MimePart part, String mimeType, String text, String html) {}

  /**
   * A part that is not inline text.
   *
   * @param filename from Content-Disposition or Content-Type {@code name}, decoded ("" when none)
   * @param mimeType its declared type
   * @param size its encoded size in bytes
   */
  public record Attachment(MimePart part, String filename, String mimeType, int size) {}

  /**
   * A link in an HTML part.
   *
   * @param url the {@code href}/{@code src}/{@code action} value as written
   * @param text the visible text of the anchor ("" for images and forms)
   * @param tag {@code a}, {@code img}, {@code form}, …
   */
  public record HtmlLink(String url, String text, String tag) {}

  private final byte[] raw;
  private final long size;
  private final MimePart root;
  private final HeaderSection headers;
  private final Map<String, Object> derived = new HashMap<>();
  /** {@link #header} by the name asked for: the checks ask for From, Subject, Received… several times each. */
  private final Map<String, List<String>> decoded = new HashMap<>();
  private List<TextPart> textParts;
  private List<Attachment> attachments;
  private List<HtmlLink> htmlLinks;
  /** The links of the HTML parts, gathered while {@link #textParts} renders them (one parse per part). */
  private List<HtmlLink> linksSeen;
  private String visibleText;
  private String rawBody;

  private ScannedMessage(byte[] raw, long size) {
    this.raw = raw;
    this.size = size;
    this.root = MimePart.parse(raw);
    this.headers = HeaderSection.parse(raw);
  }

  /** A message given whole. */
  public static ScannedMessage of(byte[] raw) {
    return new ScannedMessage(raw, raw.length);
  }

  /** Reads at most {@code maxBytes} of {@code in}; the rest is counted (for {@link #size}) but not kept. */
  public static ScannedMessage read(InputStream in, long maxBytes) throws IOException {
    int max = (int) Math.max(0, Math.min(maxBytes, Integer.MAX_VALUE - 16));
    // What the stream says it holds (the spool's message in memory: all of it) is read into one array of
    // that size, copied once; readNBytes(int) gathers 16 KiB blocks and copies them again (a growing
    // buffer, before it, copied a 100 KiB message ~6 times). Whatever follows is read as before.
    int hint = Math.min(Math.max(0, in.available()), max);
    byte[] kept = new byte[hint];
    int n = in.readNBytes(kept, 0, hint);
    byte[] more = in.readNBytes(max - n); // at the end already: one read that returns -1
    if (n < hint || more.length > 0) {
      byte[] all = java.util.Arrays.copyOf(kept, n + more.length);
      System.arraycopy(more, 0, all, n, more.length);
      kept = all;
    }
    long total = kept.length;
    if (kept.length == maxBytes) {
      total += in.transferTo(java.io.OutputStream.nullOutputStream()); // counted, not kept
    }
    return new ScannedMessage(kept, total);
  }

  /** The bytes read (all of the message unless {@link #truncated}). */
  public byte[] raw() {
    return raw;
  }

  /** The size of the whole message in bytes. */
  public long size() {
    return size;
  }

  /** Whether only the first {@code spam.max_size} bytes were read. */
  public boolean truncated() {
    return size > raw.length;
  }

  public MimePart root() {
    return root;
  }

  /** The top-level header fields, raw (ISO-8859-1, one char per byte, folded as received). */
  public HeaderSection headers() {
    return headers;
  }

  /**
   * The decoded values (unfolded, RFC 2047 and UTF-8 decoded, trimmed) of every top-level field named so;
   * decoded once per name and message, unmodifiable.
   */
  public synchronized List<String> header(String name) {
    List<String> known = decoded.get(name);
    if (known != null) {
      return known;
    }
    List<String> out = new ArrayList<>();
    for (HeaderSection.Field f : headers.all(name)) {
      out.add(HeaderText.decode(HeaderText.unfold(f.value())).strip());
    }
    List<String> values = List.copyOf(out);
    decoded.put(name, values);
    return values;
  }

  /** The first decoded value of a field, or "" when there is none. */
  public String first(String name) {
    List<String> v = header(name);
    return v.isEmpty() ? "" : v.getFirst();
  }

  /** The decoded text parts in message order (attached messages included). */
  public synchronized List<TextPart> textParts() {
    if (textParts == null) {
      List<TextPart> texts = new ArrayList<>();
      List<Attachment> atts = new ArrayList<>();
      List<HtmlLink> links = new ArrayList<>();
      walk(root, texts, atts, links, 0);
      textParts = List.copyOf(texts);
      attachments = List.copyOf(atts);
      linksSeen = List.copyOf(links);
    }
    return textParts;
  }

  /** The parts that are not inline text: attachments, images, inline files. */
  public synchronized List<Attachment> attachments() {
    textParts();
    return attachments;
  }

  /**
   * SpamAssassin's {@code body}: the Subject, then every text part as a reader sees it (HTML rendered to
   * text), parts separated by an empty line.
   */
  public synchronized String visibleText() {
    if (visibleText == null) {
      StringBuilder b = new StringBuilder(first("Subject")).append('\n');
      for (TextPart t : textParts()) {
        b.append(t.text()).append("\n\n");
      }
      visibleText = b.toString();
    }
    return visibleText;
  }

  /** SpamAssassin's {@code rawbody}: the decoded text parts with HTML markup left in. */
  public synchronized String rawBody() {
    if (rawBody == null) {
      StringBuilder b = new StringBuilder();
      for (TextPart t : textParts()) {
        b.append(t.html() != null ? t.html() : t.text()).append("\n\n");
      }
      rawBody = b.toString();
    }
    return rawBody;
  }

  /**
   * Links of the HTML parts: anchors, images, forms, frames, areas, in document order (read from the
   * document {@link #textParts} parsed to render the part, before its scripts and styles were removed).
   */
  public synchronized List<HtmlLink> htmlLinks() {
    if (htmlLinks == null) {
      textParts();
      htmlLinks = linksSeen;
    }
    return htmlLinks;
  }

  /**
   * The compiled selectors, made at the first HTML part rather than when this class is loaded: compiling
   * them loads ~90 jsoup classes, which a server that has seen no HTML mail (an idle one, the AOT cache's
   * training) need not hold (issue 27, idle memory).
   */
  private static final class Selectors {
    static final Evaluator LINKS =
        QueryParser.parse("a[href], area[href], img[src], form[action], iframe[src], frame[src], link[href]");
    static final Evaluator HIDDEN = QueryParser.parse("script, style, head > :not(title)");
  }

  /** Adds the links of a parsed HTML part to {@code out} (before anything is removed from {@code doc}). */
  private static void links(Document doc, List<HtmlLink> out) {
    for (Element e : doc.select(Selectors.LINKS)) {
      String tag = e.tagName();
      String url = e.hasAttr("href") ? e.attr("href") : e.hasAttr("src") ? e.attr("src") : e.attr("action");
      out.add(new HtmlLink(url.strip(), tag.equals("a") ? e.text() : "", tag));
    }
  }

  /**
   * When the message arrived where it is now: the date of the topmost Received field (the last hop),
   * else of the Date field; empty when neither parses. A stored message checked later (a file, a
   * corpus) is judged as of its arrival, not as of today.
   */
  public java.util.Optional<java.time.Instant> arrival() {
    for (String r : header("Received")) {
      int semi = r.lastIndexOf(';');
      if (semi >= 0) {
        java.time.ZonedDateTime t = HeaderText.parseDate(r.substring(semi + 1).strip());
        if (t != null) {
          return java.util.Optional.of(t.toInstant());
        }
      }
      break;
    }
    java.time.ZonedDateTime d = HeaderText.parseDate(first("Date"));
    return d == null ? java.util.Optional.empty() : java.util.Optional.of(d.toInstant());
  }

  /**
   * Data derived once per message and shared (the URI list, Bayes tokens): computed by {@code compute}
   * the first time {@code key} is asked for.
   */
  @SuppressWarnings("unchecked")
  public synchronized <T> T derived(String key, Supplier<T> compute) {
    Object v = derived.get(key);
    if (v == null) {
      v = compute.get();
      derived.put(key, v);
    }
    return (T) v;
  }

  private static void walk(MimePart p, List<TextPart> texts, List<Attachment> atts, List<HtmlLink> links, int depth) {
    if (depth > 32) {
      return;
    }
    if (p.isMultipart()) {
      for (MimePart c : p.children()) {
        walk(c, texts, atts, links, depth + 1);
      }
      return;
    }
    if (p.message() != null) {
      walk(p.message(), texts, atts, links, depth + 1);
      return;
    }
    String type = p.type() + "/" + p.subtype();
    String disposition = p.header("Content-Disposition");
    Map<String, String> dparams = new HashMap<>();
    String disp = disposition == null ? "" : HeaderText.parseDisposition(disposition, dparams);
    String filename = dparams.getOrDefault("filename", p.params().getOrDefault("name", ""));
    boolean attachment = "attachment".equalsIgnoreCase(disp) || !filename.isEmpty();
    if (p.type().equals("text") && !attachment && (p.subtype().equals("plain") || p.subtype().equals("html"))) {
      String text = decodeText(p);
      if (p.subtype().equals("html")) {
        Document doc = Jsoup.parse(text);
        links(doc, links);
        texts.add(new TextPart(p, type, render(doc), text));
      } else {
        texts.add(new TextPart(p, type, text, null));
      }
    } else {
      atts.add(new Attachment(p, HeaderText.decode(filename == null ? "" : filename), type, p.bodySize()));
    }
  }

  /** The body of a text part decoded from its transfer encoding and charset, at most {@link #MAX_TEXT_PER_PART} bytes. */
  public static String decodeText(MimePart p) {
    if (!TransferDecoding.transforms(p.encoding())) { // 7bit, 8bit, binary: the bytes as they are, no copy
      int start = Math.max(0, p.bodyStart());
      int n = Math.max(0, Math.min(Math.min(p.bodySize(), MAX_TEXT_PER_PART), p.data().length - start));
      return new String(p.data(), start, n, charset(p.params().get("charset")));
    }
    byte[] bytes;
    try (InputStream in = TransferDecoding.decoded(p)) {
      bytes = in.readNBytes(MAX_TEXT_PER_PART);
    } catch (IOException | RuntimeException e) {
      bytes = new byte[0];
    }
    return new String(bytes, charset(p.params().get("charset")));
  }

  static Charset charset(String name) {
    if (name == null || name.isBlank()) {
      return StandardCharsets.UTF_8;
    }
    String n = name.strip().toLowerCase(Locale.ROOT);
    if (n.equals("us-ascii") || n.equals("ascii") || n.equals("iso-8859-1") || n.equals("latin1")) {
      return Charset.forName("windows-1252"); // what senders mean, as mail readers assume
    }
    try {
      return Charset.forName(n);
    } catch (RuntimeException e) {
      return Charset.forName("windows-1252");
    }
  }

  private static final java.util.Set<String> BLOCKS =
      java.util.Set.of("p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol",
          "blockquote", "pre", "hr", "title", "dd", "dt", "section", "article", "header", "footer");

  /** HTML as a reader sees it: the text, block elements on their own lines, white space collapsed per line. */
  public static String renderHtml(String html) {
    return render(Jsoup.parse(html));
  }

  /** {@link #renderHtml} of a parsed document (which loses its scripts and styles). */
  private static String render(Document doc) {
    doc.select(Selectors.HIDDEN).remove();
    StringBuilder b = new StringBuilder();
    NodeTraversor.traverse(new NodeVisitor() {
      @Override
      public void head(Node node, int depth) {
        if (node instanceof TextNode t) {
          b.append(t.text());
        } else if (node instanceof Element e && BLOCKS.contains(e.tagName())) {
          b.append('\n');
        }
      }

      @Override
      public void tail(Node node, int depth) {
        if (node instanceof Element e && BLOCKS.contains(e.tagName()) && !e.tagName().equals("br")) {
          b.append('\n');
        }
      }
    }, doc);
    StringBuilder out = new StringBuilder(b.length());
    for (String line : b.toString().split("\n")) {
      String l = squeeze(line).strip();
      if (!l.isEmpty()) {
        out.append(l).append('\n');
      }
    }
    return out.toString();
  }

  /**
   * {@code line.replaceAll("[ \\t\\u00a0]+", " ")} without compiling that pattern for every line: each
   * run of spaces, tabs and no-break spaces as one space.
   */
  static String squeeze(String line) {
    int n = line.length();
    int i = 0;
    while (i < n && !blank(line.charAt(i))) {
      i++;
    }
    if (i == n) {
      return line; // nothing to squeeze (the common line of a rendered part: no copy)
    }
    StringBuilder b = new StringBuilder(n).append(line, 0, i);
    while (i < n) {
      char c = line.charAt(i);
      if (blank(c)) {
        b.append(' ');
        while (i < n && blank(line.charAt(i))) {
          i++;
        }
      } else {
        b.append(c);
        i++;
      }
    }
    return b.toString();
  }

  private static boolean blank(char c) {
    return c == ' ' || c == '\t' || c == '\u00a0';
  }
}
