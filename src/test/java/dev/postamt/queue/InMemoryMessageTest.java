package dev.postamt.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link InMemoryMessage}: the blocks a message arrives in read back as the bytes written, in one array
 * of its length, and an array once handed out never changes, since the spam check scans it and the
 * queue reads from it while the session goes on.
 */
class InMemoryMessageTest {
  @Test
  void blocksOfEverySizeReadBackAsWrittenAndAnArrayHandedOutNeverChanges() throws IOException {
    Random r = new Random(11);
    for (int round = 0; round < 200; round++) {
      InMemoryMessage m = new InMemoryMessage(1 + r.nextInt(5000));
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      List<byte[]> handedOut = new ArrayList<>();
      List<byte[]> asHandedOut = new ArrayList<>();
      int pieces = r.nextInt(40);
      for (int i = 0; i < pieces; i++) {
        if (r.nextInt(4) == 0) {
          byte b = (byte) r.nextInt();
          m.append(b);
          all.write(b);
        } else {
          byte[] piece = new byte[r.nextInt(r.nextBoolean() ? 100 : 20_000)];
          r.nextBytes(piece);
          int off = piece.length == 0 ? 0 : r.nextInt(piece.length);
          m.append(piece, off, piece.length - off);
          all.write(piece, off, piece.length - off);
        }
        if (r.nextInt(5) == 0) {
          byte[] whole = m.whole();
          assertThat(whole).isEqualTo(all.toByteArray());
          assertThat(m.whole()).as("the same array until something is appended").isSameAs(whole);
          handedOut.add(whole);
          asHandedOut.add(whole.clone());
        }
      }
      assertThat(m.length()).isEqualTo(all.size());
      ByteArrayOutputStream written = new ByteArrayOutputStream();
      m.writeTo(written);
      assertThat(written.toByteArray()).isEqualTo(all.toByteArray());
      assertThat(m.stream().readAllBytes()).isEqualTo(all.toByteArray());
      for (int i = 0; i < handedOut.size(); i++) {
        assertThat(handedOut.get(i)).as("round %d, array %d", round, i).isEqualTo(asHandedOut.get(i));
      }
    }
  }

  @Test
  void aMessageThatFillsItsFirstBlockExactlyIsNotCopied() {
    InMemoryMessage m = new InMemoryMessage(6);
    m.append("abcdef".getBytes(), 0, 6);
    byte[] whole = m.whole();
    assertThat(whole).isEqualTo("abcdef".getBytes());
    m.append((byte) 'g');
    assertThat(m.whole()).isEqualTo("abcdefg".getBytes());
    assertThat(whole).as("handed out before the append").isEqualTo("abcdef".getBytes());
    assertThat(InMemoryMessage.of(new byte[0]).whole()).isEmpty();
  }

  @Test
  void aStreamGivesItsArrayOnlyBeforeAnythingWasRead() throws IOException {
    InMemoryMessage m = new InMemoryMessage(4);
    m.append("Subject: x\r\n\r\nbody\r\n".getBytes(), 0, 20);
    InMemoryMessage.Stream s = m.stream();
    assertThat(s.unread()).isSameAs(m.whole());
    assertThat(s.read()).isEqualTo('S');
    assertThat(s.unread()).isNull();
  }
}
