package dev.postamt.reports;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/** Splits an mbox (RFC 4155) into its messages, undoing {@code >From } quoting (mboxrd). */
final class Mbox {
  private Mbox() {}

  static List<byte[]> split(byte[] mbox) {
    List<byte[]> out = new ArrayList<>();
    ByteArrayOutputStream current = null;
    int i = 0;
    while (i < mbox.length) {
      int end = i;
      while (end < mbox.length && mbox[end] != '\n') {
        end++;
      }
      int next = Math.min(end + 1, mbox.length);
      if (startsWith(mbox, i, "From ")) {
        if (current != null) {
          out.add(current.toByteArray());
        }
        current = new ByteArrayOutputStream();
      } else if (current != null) {
        int from = i;
        int k = i;
        while (k < end && mbox[k] == '>') {
          k++;
        }
        if (k > i && startsWith(mbox, k, "From ")) {
          from = i + 1;
        }
        current.write(mbox, from, next - from);
      }
      i = next;
    }
    if (current != null) {
      out.add(current.toByteArray());
    }
    return out;
  }

  private static boolean startsWith(byte[] b, int at, String s) {
    if (at + s.length() > b.length) {
      return false;
    }
    for (int k = 0; k < s.length(); k++) {
      if (b[at + k] != s.charAt(k)) {
        return false;
      }
    }
    return true;
  }
}
