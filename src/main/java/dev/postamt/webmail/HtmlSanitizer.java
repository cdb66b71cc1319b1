package dev.postamt.webmail;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Entities;
import org.jsoup.safety.Cleaner;
import org.jsoup.safety.Safelist;

/**
 * Makes the HTML body of a mail safe to show: parsed as a browser parses it (jsoup's HTML5 tree
 * builder, so what we check is what the browser will build — the defence against mutation XSS), then
 * rebuilt from an allow-list of elements and attributes (jsoup's {@link Cleaner}). What survives:
 * text formatting, tables, lists, links to {@code http}, {@code https} and {@code mailto} (opened in a
 * new window without a referrer), images, and a handful of CSS properties with plain values.
 *
 * <p>What never survives: {@code script}, {@code style}, {@code link}, {@code meta} (so no refresh),
 * {@code base} (relative URLs are dropped too, so there is nothing for a base to redirect), forms and
 * their controls, {@code iframe}/{@code object}/{@code embed}, SVG and MathML, every {@code on*}
 * handler, {@code javascript:}/{@code vbscript:}/{@code data:} links, CSS with {@code url(}, {@code
 * expression(}, escapes or comments. Images from {@code data:} URLs are kept only for raster types;
 * {@code cid:} images become the {@code data:} URLs of the message's own inline parts;
 * remote images are kept only when the reader allowed them, and are otherwise counted and removed.
 *
 * <p>This is one of two walls: the page is also served with a CSP without scripts and shown in a
 * sandboxed iframe ({@link WebmailApp}), so a hole in one is still held by the other.
 */
public final class HtmlSanitizer {
  /** The result: the clean document and how many remote images were withheld. */
  public record Result(String html, int blockedImages) {}

  /** CSS properties kept in a {@code style} attribute (RFC-less: CSS 2.1 names), everything else is dropped. */
  static final Set<String> CSS_PROPERTIES = Set.of("color", "background-color", "font-weight", "font-style", "font-size",
      "font-family", "text-align", "text-decoration", "vertical-align", "line-height", "white-space",
      "margin", "margin-top", "margin-bottom", "margin-left", "margin-right",
      "padding", "padding-top", "padding-bottom", "padding-left", "padding-right",
      "border", "border-top", "border-bottom", "border-left", "border-right", "border-color", "border-width",
      "border-style", "border-collapse", "border-spacing", "border-radius", "width", "max-width", "min-width",
      "height", "display", "list-style-type");
  /** A CSS value of words, numbers, units, colours, commas and quotes of plain names: no functions but rgb(). */
  private static final Pattern CSS_VALUE = Pattern.compile("(?:[a-zA-Z0-9#.,%' \"-]|rgba?\\([0-9., %]*\\))*");
  private static final Pattern RASTER_DATA = Pattern.compile("(?i)data:image/(?:png|gif|jpe?g|webp);base64,[a-z0-9+/=\\s]*");
  private static final Set<String> DISPLAY = Set.of("block", "inline", "inline-block", "none", "table", "table-row",
      "table-cell", "list-item");

  private static final Safelist SAFELIST = safelist();

  private HtmlSanitizer() {}

  private static Safelist safelist() {
    Safelist s = Safelist.relaxed()
        .addTags("font", "center", "hr", "s", "del", "ins", "abbr", "address", "article", "section", "header",
            "footer", "main", "nav", "aside", "figure", "figcaption", "mark", "small", "big", "tt", "kbd", "samp", "var",
            "wbr", "bdi", "bdo", "time")
        .addAttributes(":all", "style", "align", "valign", "dir", "lang", "width", "height", "bgcolor")
        .addAttributes("font", "color", "face", "size")
        .addAttributes("table", "border", "cellpadding", "cellspacing")
        .addAttributes("a", "name")
        .addAttributes("img", "data-blocked")
        .addProtocols("img", "src", "data", "cid")
        .addEnforcedAttribute("a", "rel", "noopener noreferrer nofollow")
        .addEnforcedAttribute("a", "target", "_blank")
        .preserveRelativeLinks(false);
    return s;
  }

  /**
   * Cleans {@code html}.
   *
   * @param remoteImages whether {@code http}/{@code https} images stay (the reader allowed them)
   */
  public static Result clean(String html, boolean remoteImages) {
    return clean(html, remoteImages, Map.of());
  }

  /**
   * Cleans {@code html}, showing {@code cid:} images (RFC 2392) from {@code inline}: the {@code data:}
   * URL of each inline part by its Content-ID ({@link InlineImages}); a {@code cid:} not there stays blank.
   *
   * @param remoteImages whether {@code http}/{@code https} images stay (the reader allowed them)
   */
  public static Result clean(String html, boolean remoteImages, Map<String, String> inline) {
    // No base URI, and none taken from the mail: jsoup's parser adopts the first <base href> as the
    // document's base, which would turn relative links into links to wherever the sender chose.
    // With an empty base a relative URL has no absolute form, so the protocol check drops it.
    Document dirty = Jsoup.parse(html == null ? "" : html, "");
    dirty.select("base").remove();
    dirty.setBaseUri("");
    Document clean = new Cleaner(SAFELIST).clean(dirty);
    int blocked = 0;
    for (Element img : clean.select("img")) {
      String src = img.attr("src").strip();
      String lower = src.toLowerCase(Locale.ROOT);
      if (lower.startsWith("cid:")) {
        String data = inline.get(InlineImages.ofUrl(src));
        if (data != null) {
          img.attr("src", data);
        } else {
          img.removeAttr("src");
        }
      } else if (lower.startsWith("data:")) {
        if (!RASTER_DATA.matcher(src).matches()) {
          img.removeAttr("src");
        }
      } else if (lower.startsWith("http:") || lower.startsWith("https:")) {
        if (!remoteImages) {
          img.removeAttr("src");
          img.attr("data-blocked", "");
          blocked++;
        }
      } else {
        img.removeAttr("src");
      }
    }
    for (Element e : clean.select("[style]")) {
      String css = style(e.attr("style"));
      if (css.isEmpty()) {
        e.removeAttr("style");
      } else {
        e.attr("style", css);
      }
    }
    for (Element e : clean.select("[bgcolor], font[color]")) {
      for (String a : List.of("bgcolor", "color")) {
        if (e.hasAttr(a) && !e.attr(a).matches("#?[A-Za-z0-9]{1,20}")) {
          e.removeAttr(a);
        }
      }
    }
    clean.outputSettings().prettyPrint(false).charset("UTF-8").escapeMode(Entities.EscapeMode.base);
    return new Result(clean.body().html(), blocked);
  }

  /** The declarations of a style attribute that are on the list and have plain values, joined again. */
  static String style(String css) {
    if (css.contains("\\") || css.contains("/*") || css.contains("<") || css.contains("@")) {
      return ""; // escapes and comments are how filters get fooled; a mail needs neither
    }
    List<String> kept = new ArrayList<>();
    for (String decl : css.split(";")) {
      int colon = decl.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String name = decl.substring(0, colon).strip().toLowerCase(Locale.ROOT);
      String value = decl.substring(colon + 1).strip();
      String lower = value.toLowerCase(Locale.ROOT);
      if (!CSS_PROPERTIES.contains(name) || value.isEmpty() || value.length() > 200 || !CSS_VALUE.matcher(value).matches()
          || lower.contains("expression") || lower.contains("url") || lower.contains("javascript")
          || (name.equals("display") && !DISPLAY.contains(lower))) {
        continue;
      }
      kept.add(name + ": " + value);
    }
    return String.join("; ", kept);
  }

  /**
   * The whole page for the sandboxed frame: the clean body and a small stylesheet of our own (the
   * frame's CSP allows inline styles, never scripts).
   */
  public static String page(Result r) {
    return "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><style>"
        + "body{margin:0;padding:.5em;font:15px/1.45 system-ui,sans-serif;color:#1d2330;overflow-wrap:anywhere}"
        + "img{max-width:100%;height:auto}img[data-blocked]{display:inline-block;min-width:1em;min-height:1em;"
        + "outline:1px dashed #aab}table{max-width:100%}blockquote{margin:0 0 0 .5em;padding-left:.7em;"
        + "border-left:3px solid #c8cfdb;color:#3c4657}pre{white-space:pre-wrap}"
        + "</style></head><body>" + r.html() + "</body></html>";
  }
}
