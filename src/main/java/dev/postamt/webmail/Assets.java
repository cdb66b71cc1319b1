package dev.postamt.webmail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * The webmail's static files, read once from the class path ({@code dev/postamt/webmail/assets/}) and
 * gzipped once in memory. They are served under {@code /mail/v/VERSION/NAME}, where VERSION is a hash
 * of all of them: a new build has a new path, so browsers may keep a file for a year ({@code
 * immutable}) and still never run a stale one; the ES modules import each other by relative path and
 * so stay within one version.
 */
final class Assets {
  /** Every file of the app; a name not listed is 404. */
  static final List<String> NAMES = List.of("app.js", "api.js", "reader.js", "compose.js", "mime.js", "text.js", "contacts.js",
      "mail.css");

  /** One file: its bytes, their gzip, its media type. */
  record Asset(byte[] plain, byte[] gzip, String type) {}

  private final Map<String, Asset> files;
  private final String version;

  private Assets(Map<String, Asset> files, String version) {
    this.files = files;
    this.version = version;
  }

  static Assets load() {
    Map<String, Asset> m = new LinkedHashMap<>();
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    for (String name : NAMES) {
      try (InputStream in = Assets.class.getResourceAsStream("assets/" + name)) {
        if (in == null) {
          throw new IllegalStateException("webmail asset missing from the build: " + name);
        }
        byte[] b = in.readAllBytes();
        sha.update(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        sha.update(b);
        String type = name.endsWith(".css") ? "text/css;charset=utf-8" : "text/javascript;charset=utf-8";
        m.put(name, new Asset(b, gzip(b), type));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return new Assets(Map.copyOf(m), HexFormat.of().formatHex(sha.digest(), 0, 6));
  }

  static byte[] gzip(byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(b.length / 3 + 64);
    try (GZIPOutputStream z = new GZIPOutputStream(out) {
      {
        def.setLevel(Deflater.BEST_COMPRESSION);
      }
    }) {
      z.write(b);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** The hash naming this build's files. */
  String version() {
    return version;
  }

  /** The file, or null. */
  Asset get(String name) {
    return files.get(name);
  }

  /** The path of {@code name} in this version. */
  String path(String name) {
    return "/mail/v/" + version + "/" + name;
  }
}
