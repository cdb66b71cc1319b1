package dev.postamt.webmail;

import dev.postamt.jmap.Blobs;
import dev.postamt.jmap.Ids;
import dev.postamt.web.Exchange;
import dev.postamt.web.Principal;
import dev.postamt.web.WebApp;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;

/**
 * {@code /mail/}: the webmail. It serves three things only — the page that starts the app, the app's
 * files ({@link Assets}), and {@code /mail/render/BLOBID}, the HTML body of a mail made safe ({@link
 * HtmlSanitizer}) for the reader's sandboxed frame. Every mail, folder and change the app shows comes
 * from the JMAP API ({@code /jmap/api}, downloads, uploads, the event source), which the session
 * cookie authenticates; the app sends the session's CSRF token with every POST.
 *
 * <p>The render route reads the part through the same blob service as the JMAP download ({@link
 * Blobs}), so a user reaches only the blobs of their own account, and answers with a CSP that allows
 * no script at all, plus {@code sandbox} (RFC: CSP Level 3 §6.3.2) so that even a hole in the
 * sanitiser could not run as our origin.
 */
public final class WebmailApp implements WebApp {
  /** HTML parts larger than this are not rendered (the reader offers the download instead). */
  static final int MAX_HTML_BYTES = 8 << 20;
  /** Messages larger than this show their HTML without the {@code cid:} images. */
  static final int MAX_MESSAGE_BYTES = 40 << 20;
  private static final Pattern BLOB_ID = Pattern.compile("[A-Za-z0-9_-]{1,200}");
  private static final Pattern CID_URL = Pattern.compile("(?i)cid:");
  private static final Pattern CHARSET = Pattern.compile("[A-Za-z0-9._:-]{1,40}");
  /** The frame's policy: no script, nothing fetched but inline images (and remote ones when allowed). */
  static final String RENDER_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:%s; "
      + "base-uri 'none'; form-action 'none'; frame-ancestors 'self'; sandbox allow-popups allow-popups-to-escape-sandbox";

  private final Blobs blobs;
  private final Assets assets = Assets.load();

  /** @param blobs the JMAP blob service of the same store */
  public WebmailApp(Blobs blobs) {
    this.blobs = blobs;
  }

  @Override
  public String prefix() {
    return "/mail/";
  }

  @Override
  public void handle(Exchange x) throws IOException {
    String rest = x.path().substring(prefix().length());
    boolean read = x.method().equals("GET") || x.method().equals("HEAD");
    if (!read) {
      x.response().getHeaders().put(HttpHeader.ALLOW, "GET");
      x.errorPage(405, "The webmail changes mail through the JMAP API only.");
    } else if (rest.isEmpty()) {
      shell(x);
    } else if (rest.startsWith("v/")) {
      asset(x, rest.substring(2));
    } else if (rest.startsWith("render/")) {
      render(x, rest.substring("render/".length()));
    } else {
      x.errorPage(404, "There is no such page in the webmail.");
    }
  }

  /** The one page: the frame of the app, its stylesheet and its module; the rest is built by the app. */
  private void shell(Exchange x) throws IOException {
    Optional<Principal> p = x.requireLogin();
    if (p.isEmpty()) {
      return;
    }
    x.html(200, Shell.page(p.get(), assets));
  }

  private void asset(Exchange x, String rest) throws IOException {
    int slash = rest.indexOf('/');
    Assets.Asset a = slash < 0 ? null : assets.get(rest.substring(slash + 1));
    if (a == null) {
      x.errorPage(404, "There is no such file.");
      return;
    }
    boolean current = rest.substring(0, slash).equals(assets.version());
    String accept = x.request().getHeaders().get(HttpHeader.ACCEPT_ENCODING);
    boolean gzip = accept != null && accept.toLowerCase(java.util.Locale.ROOT).contains("gzip");
    byte[] body = gzip ? a.gzip() : a.plain();
    var r = x.response();
    var h = r.getHeaders();
    r.setStatus(200);
    h.put(HttpHeader.CONTENT_TYPE, a.type());
    // an old page asking for an old version gets today's file, but must not keep it
    h.put(HttpHeader.CACHE_CONTROL, current ? "public, max-age=31536000, immutable" : "no-cache");
    h.put(HttpHeader.VARY, "Accept-Encoding");
    if (gzip) {
      h.put(HttpHeader.CONTENT_ENCODING, "gzip");
    }
    h.put(HttpHeader.CONTENT_LENGTH, body.length);
    r.write(true, x.method().equals("HEAD") ? null : ByteBuffer.wrap(body), x.callback());
  }

  /**
   * {@code GET /mail/render/BLOBID?charset=C&images=1}: the HTML part, sanitised, as a page for the
   * reader's frame. {@code charset} is the part's charset as Email/get reports it (the blob itself is
   * bytes); {@code images=1} lets remote images load. The number of remote images withheld is in the
   * {@code X-Blocked-Images} header, which the app reads with a HEAD request to offer "show images".
   */
  private void render(Exchange x, String blobId) throws IOException {
    Optional<Principal> p = x.requireLogin();
    if (p.isEmpty()) {
      return;
    }
    if (!BLOB_ID.matcher(blobId).matches()) {
      x.errorPage(404, "There is no such message part.");
      return;
    }
    Optional<Blobs.Download> d = blobs.download(p.get().address(), blobId);
    if (d.isEmpty()) {
      x.errorPage(404, "There is no such message part.");
      return;
    }
    byte[] bytes;
    try (Blobs.Download blob = d.get(); InputStream in = blob.content()) {
      bytes = in.readNBytes(MAX_HTML_BYTES + 1);
    }
    boolean images = "1".equals(x.query("images"));
    String html;
    if (bytes.length > MAX_HTML_BYTES) {
      html = HtmlSanitizer.page(new HtmlSanitizer.Result(
          "<p>This HTML part is larger than " + (MAX_HTML_BYTES >> 20) + " MiB; download it to read it.</p>", 0));
    } else {
      String dirty = new String(bytes, charset(x.query("charset")));
      HtmlSanitizer.Result r = HtmlSanitizer.clean(dirty, images, inlineImages(p.get().address(), blobId, dirty));
      x.response().getHeaders().put("X-Blocked-Images", String.valueOf(r.blockedImages()));
      html = HtmlSanitizer.page(r);
    }
    var h = x.response().getHeaders();
    h.put("Content-Security-Policy", RENDER_CSP.formatted(images ? " https: http:" : ""));
    h.put("X-Frame-Options", "SAMEORIGIN"); // framed by our own reader, by nobody else
    h.put("Referrer-Policy", "no-referrer"); // remote images learn nothing of where they were shown
    h.put("Cross-Origin-Resource-Policy", "same-origin");
    byte[] body = html.getBytes(StandardCharsets.UTF_8);
    if (x.method().equals("HEAD")) {
      var r = x.response();
      r.setStatus(200);
      h.put(HttpHeader.CONTENT_TYPE, "text/html;charset=utf-8");
      h.put(HttpHeader.CACHE_CONTROL, "no-store");
      h.put(HttpHeader.CONTENT_LENGTH, body.length);
      r.write(true, null, x.callback());
    } else {
      x.send(200, "text/html;charset=utf-8", body);
    }
  }

  /**
   * The inline images of the message the HTML part {@code blobId} belongs to, when the HTML refers to
   * any by {@code cid:} (RFC 2392): read from the same user's message blob, at most {@link
   * #MAX_MESSAGE_BYTES} of it; none when the part is not of a stored message or the message is larger.
   */
  private Map<String, String> inlineImages(String user, String blobId, String html) throws IOException {
    if (!CID_URL.matcher(html).find()) {
      return Map.of();
    }
    Optional<Ids.BlobRef> ref = Ids.blob(blobId).filter(b -> b.partId() != null);
    if (ref.isEmpty()) {
      return Map.of();
    }
    Optional<Blobs.Download> d = blobs.download(user, Ids.blob(ref.get().message()));
    if (d.isEmpty()) {
      return Map.of();
    }
    byte[] message;
    try (Blobs.Download blob = d.get(); InputStream in = blob.content()) {
      message = in.readNBytes(MAX_MESSAGE_BYTES + 1);
    }
    return message.length > MAX_MESSAGE_BYTES ? Map.of() : InlineImages.of(message);
  }

  /** The named charset when Java knows it, else UTF-8 (a wrong guess garbles text, it cannot add markup). */
  static Charset charset(String name) {
    if (name == null || !CHARSET.matcher(name).matches()) {
      return StandardCharsets.UTF_8;
    }
    try {
      return Charset.forName(name);
    } catch (IllegalArgumentException e) {
      return StandardCharsets.UTF_8;
    }
  }
}
