package dev.postamt.mda;

import dev.postamt.mime.MimePart;
import dev.postamt.sieve.MimeSieveMessage;
import dev.postamt.sieve.SieveMessage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a message with the header section a script left (RFC 5293 editheader): fields the script did
 * not touch keep their bytes exactly as received (folding, 8-bit text, so signatures over them still
 * verify); added fields are written as {@code Name: value}; the body follows unchanged.
 */
final class HeaderEdit {
  private HeaderEdit() {}

  static byte[] apply(MimeSieveMessage message, List<SieveMessage.Header> headers) {
    MimePart root = message.root();
    byte[] data = root.data();
    Map<SieveMessage.Header, MimePart.Field> original = new IdentityHashMap<>();
    List<SieveMessage.Header> parsed = message.headers();
    for (int i = 0; i < parsed.size() && i < root.fields().size(); i++) {
      original.put(parsed.get(i), root.fields().get(i));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + 256);
    for (SieveMessage.Header h : headers) {
      MimePart.Field f = original.get(h);
      if (f != null) {
        out.write(data, f.start(), f.end() - f.start());
      } else {
        out.writeBytes((h.name() + ": " + h.value() + "\r\n").getBytes(StandardCharsets.UTF_8));
      }
    }
    out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    out.write(data, root.bodyStart(), root.end() - root.bodyStart());
    return out.toByteArray();
  }
}
