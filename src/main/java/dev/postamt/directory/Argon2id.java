package dev.postamt.directory;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.bouncycastle.crypto.digests.Blake2bDigest;

/**
 * Argon2id, version 0x13 (RFC 9106), without secret or associated data: the function behind every
 * password check. Bouncy Castle's {@code Argon2BytesGenerator} allocates its 19 MiB as 19,456 block
 * objects per check; at tens of logins per second that churn made the garbage collector either grow
 * the heap to ~1 GB or spend a third more CPU per IMAP operation (bench/README.md). Here the memory is
 * one {@code long[]}, reused from a small pool, so a check allocates almost nothing. Bouncy Castle
 * still supplies BLAKE2b for the few whole-input hashes; the tests check this class against Bouncy
 * Castle's generator and the reference implementation's vectors.
 */
final class Argon2id {
  private static final int BLOCK_WORDS = 128; // 1024-byte blocks of 64-bit words
  private static final int SYNC_POINTS = 4;
  private static final int TYPE_ID = 2;
  private static final int VERSION = 0x13;

  /**
   * Spare memory arrays, at most one per CPU (no more checks than CPUs run at once on virtual threads,
   * which are not preempted), wiped before they are put back, and dropped 10 s after the last check: a
   * burst of logins reuses them, but a server that then goes quiet must not keep 19 MiB per CPU for good
   * (issue 27: 38 MB of an idle server's heap on 2 CPUs after its first logins, seen with
   * {@code bench/imap-idle-10k}'s class histogram).
   */
  private static final Spares SPARE = new Spares(Runtime.getRuntime().availableProcessors(), Duration.ofSeconds(10));

  /** 64 MiB: pooled arrays are for the usual costs (19 MiB today). */
  private static final int MAX_POOLED_WORDS = 8 << 20;

  private final long[] memory;
  private final int lanes;
  private final int passes;
  private final int laneLength;
  private final int segmentLength;
  // scratch blocks of the compression function and of the address generator
  private final long[] r = new long[BLOCK_WORDS];
  private final long[] tmp = new long[BLOCK_WORDS];
  private final long[] zero = new long[BLOCK_WORDS];
  private final long[] input = new long[BLOCK_WORDS];
  private final long[] address = new long[BLOCK_WORDS];

  private Argon2id(int memoryKiB, int passes, int lanes) {
    int blocks = Math.max(memoryKiB, 2 * SYNC_POINTS * lanes);
    this.segmentLength = blocks / (lanes * SYNC_POINTS);
    this.laneLength = segmentLength * SYNC_POINTS;
    this.lanes = lanes;
    this.passes = passes;
    this.memory = takeMemory(laneLength * lanes * BLOCK_WORDS);
  }

  /** The {@code outLen}-byte tag of {@code password} and {@code salt} with the given costs. */
  static byte[] hash(byte[] password, byte[] salt, int memoryKiB, int passes, int lanes, int outLen) {
    if (lanes < 1 || passes < 1 || outLen < 4 || memoryKiB < 8 * lanes) {
      throw new IllegalArgumentException("invalid Argon2 parameters");
    }
    Argon2id a = new Argon2id(memoryKiB, passes, lanes);
    try {
      return a.run(password, salt, memoryKiB, outLen);
    } finally {
      giveBack(a.memory);
    }
  }

  private static long[] takeMemory(int words) {
    return SPARE.take(words);
  }

  private static void giveBack(long[] a) {
    Arrays.fill(a, 0); // no trace of the password's derivation stays in memory
    if (a.length > MAX_POOLED_WORDS) {
      return; // a stored hash with an unusual cost must not pin its memory
    }
    SPARE.giveBack(a);
  }

  /** A few reusable memory arrays, all dropped once none was given back for {@code releaseAfter}. */
  static final class Spares {
    private final AtomicReferenceArray<long[]> slots;
    private final Duration releaseAfter;
    private final AtomicBoolean releasing = new AtomicBoolean();
    private volatile long lastGiveBack;

    Spares(int size, Duration releaseAfter) {
      this.slots = new AtomicReferenceArray<>(size);
      this.releaseAfter = releaseAfter;
    }

    long[] take(int words) {
      for (int i = 0; i < slots.length(); i++) {
        long[] a = slots.get(i);
        if (a != null && a.length == words && slots.compareAndSet(i, a, null)) {
          return a;
        }
      }
      return new long[words];
    }

    void giveBack(long[] a) {
      lastGiveBack = System.nanoTime();
      releaseWhenIdle();
      for (int i = 0; i < slots.length(); i++) {
        if (slots.get(i) == null && slots.compareAndSet(i, null, a)) {
          return;
        }
      }
      slots.set(0, a); // the latest size wins (costs changed); the old array is garbage
    }

    /** How many arrays are kept now. */
    int kept() {
      int n = 0;
      for (int i = 0; i < slots.length(); i++) {
        if (slots.get(i) != null) {
          n++;
        }
      }
      return n;
    }

    /** Starts the one virtual thread that drops the arrays once none was given back for a while. */
    private void releaseWhenIdle() {
      if (releasing.compareAndSet(false, true)) {
        Thread.ofVirtual().name("argon2-spares-release").start(this::releaseLoop);
      }
    }

    private void releaseLoop() {
      try {
        long wait;
        while ((wait = lastGiveBack + releaseAfter.toNanos() - System.nanoTime()) > 0) {
          Thread.sleep(Duration.ofNanos(wait));
        }
        for (int i = 0; i < slots.length(); i++) {
          slots.set(i, null); // an array in use is in no slot; one given back just now is only not reused
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        releasing.set(false);
        if (kept() > 0) {
          releaseWhenIdle(); // given back after the slots were emptied, while this thread still ran
        }
      }
    }
  }

  private byte[] run(byte[] password, byte[] salt, int memoryKiB, int outLen) {
    // H0 (RFC 9106 §3.2 step 1)
    Blake2bDigest h = new Blake2bDigest(512);
    for (int v : new int[] {lanes, outLen, memoryKiB, passes, VERSION, TYPE_ID}) {
      le32(h, v);
    }
    le32(h, password.length);
    h.update(password, 0, password.length);
    le32(h, salt.length);
    h.update(salt, 0, salt.length);
    le32(h, 0); // secret
    le32(h, 0); // associated data
    byte[] h0 = new byte[72];
    h.doFinal(h0, 0);
    // the first two blocks of each lane: H'(H0 || LE32(i) || LE32(lane))
    byte[] block = new byte[1024];
    for (int l = 0; l < lanes; l++) {
      for (int i = 0; i < 2; i++) {
        h0[64] = (byte) i;
        h0[65] = h0[66] = h0[67] = 0;
        h0[68] = (byte) l;
        h0[69] = (byte) (l >>> 8);
        h0[70] = (byte) (l >>> 16);
        h0[71] = (byte) (l >>> 24);
        variableHash(h0, block);
        int base = (l * laneLength + i) * BLOCK_WORDS;
        for (int w = 0; w < BLOCK_WORDS; w++) {
          memory[base + w] = getLong(block, w * 8);
        }
      }
    }
    for (int pass = 0; pass < passes; pass++) {
      for (int slice = 0; slice < SYNC_POINTS; slice++) {
        for (int lane = 0; lane < lanes; lane++) {
          fillSegment(pass, lane, slice);
        }
      }
    }
    // the tag: H' of the XOR of each lane's last block
    long[] fin = tmp;
    System.arraycopy(memory, (laneLength - 1) * BLOCK_WORDS, fin, 0, BLOCK_WORDS);
    for (int l = 1; l < lanes; l++) {
      int base = (l * laneLength + laneLength - 1) * BLOCK_WORDS;
      for (int w = 0; w < BLOCK_WORDS; w++) {
        fin[w] ^= memory[base + w];
      }
    }
    for (int w = 0; w < BLOCK_WORDS; w++) {
      putLong(block, w * 8, fin[w]);
    }
    byte[] out = new byte[outLen];
    variableHash(block, out);
    return out;
  }

  /** RFC 9106 §3.4: one segment of one lane; data-independent addresses in the first half of pass 0. */
  private void fillSegment(int pass, int lane, int slice) {
    boolean independent = pass == 0 && slice < SYNC_POINTS / 2;
    if (independent) {
      Arrays.fill(input, 0);
      input[0] = pass;
      input[1] = lane;
      input[2] = slice;
      input[3] = (long) laneLength * lanes;
      input[4] = passes;
      input[5] = TYPE_ID;
    }
    int start = 0;
    if (pass == 0 && slice == 0) {
      start = 2; // the first two blocks are made from H0
      if (independent) {
        nextAddresses();
      }
    }
    int curr = lane * laneLength + slice * segmentLength + start;
    int prev = curr % laneLength == 0 ? curr + laneLength - 1 : curr - 1;
    for (int i = start; i < segmentLength; i++, curr++, prev++) {
      if (curr % laneLength == 1) {
        prev = curr - 1;
      }
      long pseudoRand;
      if (independent) {
        if (i % BLOCK_WORDS == 0) {
          nextAddresses();
        }
        pseudoRand = address[i % BLOCK_WORDS];
      } else {
        pseudoRand = memory[prev * BLOCK_WORDS];
      }
      int refLane = (int) ((pseudoRand >>> 32) % lanes);
      if (pass == 0 && slice == 0) {
        refLane = lane;
      }
      int refIndex = indexAlpha(pass, slice, i, pseudoRand & 0xFFFFFFFFL, refLane == lane);
      int ref = refLane * laneLength + refIndex;
      fillBlock(memory, prev * BLOCK_WORDS, memory, ref * BLOCK_WORDS, memory, curr * BLOCK_WORDS, pass > 0);
    }
  }

  /** RFC 9106 §3.4.1.2: maps J1 to a block of the reference area. */
  private int indexAlpha(int pass, int slice, int index, long pseudoRand, boolean sameLane) {
    long area;
    if (pass == 0) {
      if (slice == 0) {
        area = index - 1;
      } else if (sameLane) {
        area = (long) slice * segmentLength + index - 1;
      } else {
        area = (long) slice * segmentLength + (index == 0 ? -1 : 0);
      }
    } else if (sameLane) {
      area = laneLength - segmentLength + index - 1;
    } else {
      area = laneLength - segmentLength + (index == 0 ? -1 : 0);
    }
    long rel = (pseudoRand * pseudoRand) >>> 32;
    rel = area - 1 - ((area * rel) >>> 32);
    long startPos = 0;
    if (pass != 0) {
      startPos = slice == SYNC_POINTS - 1 ? 0 : (long) (slice + 1) * segmentLength;
    }
    return (int) ((startPos + rel) % laneLength);
  }

  private void nextAddresses() {
    input[6]++;
    fillBlock(zero, 0, input, 0, address, 0, false);
    fillBlock(zero, 0, address, 0, address, 0, false);
  }

  /** The compression function G: next = P(prev ^ ref) ^ (prev ^ ref), also ^ next when xoring. */
  private void fillBlock(long[] pa, int p, long[] qa, int q, long[] na, int n, boolean xor) {
    long[] r = this.r;
    long[] t = this.tmp;
    for (int w = 0; w < BLOCK_WORDS; w++) {
      r[w] = pa[p + w] ^ qa[q + w];
    }
    if (xor) {
      for (int w = 0; w < BLOCK_WORDS; w++) {
        t[w] = r[w] ^ na[n + w];
      }
    } else {
      System.arraycopy(r, 0, t, 0, BLOCK_WORDS);
    }
    // rows of 16 words, then columns of word pairs (RFC 9106 §3.6)
    for (int b = 0; b < BLOCK_WORDS; b += 16) {
      round(r, b, 2);
    }
    for (int b = 0; b < 16; b += 2) {
      round(r, b, 16);
    }
    for (int w = 0; w < BLOCK_WORDS; w++) {
      na[n + w] = t[w] ^ r[w];
    }
  }

  /**
   * The BLAKE2b round without message on 8 pairs of words {@code v[b + k * step], v[b + k * step + 1]}:
   * a row of 16 words (step 2) or a column of pairs (step 16).
   */
  private static void round(long[] v, int b, int step) {
    int i0 = b, i1 = b + 1;
    int i2 = b + step, i3 = i2 + 1;
    int i4 = b + step * 2, i5 = i4 + 1;
    int i6 = b + step * 3, i7 = i6 + 1;
    int i8 = b + step * 4, i9 = i8 + 1;
    int i10 = b + step * 5, i11 = i10 + 1;
    int i12 = b + step * 6, i13 = i12 + 1;
    int i14 = b + step * 7, i15 = i14 + 1;
    g(v, i0, i4, i8, i12);
    g(v, i1, i5, i9, i13);
    g(v, i2, i6, i10, i14);
    g(v, i3, i7, i11, i15);
    g(v, i0, i5, i10, i15);
    g(v, i1, i6, i11, i12);
    g(v, i2, i7, i8, i13);
    g(v, i3, i4, i9, i14);
  }

  /** BLAKE2b's G with BlaMka's multiplications; four words at a time stay in registers. */
  private static void g(long[] v, int a, int b, int c, int d) {
    long va = v[a];
    long vb = v[b];
    long vc = v[c];
    long vd = v[d];
    va = bla(va, vb);
    vd = Long.rotateRight(vd ^ va, 32);
    vc = bla(vc, vd);
    vb = Long.rotateRight(vb ^ vc, 24);
    va = bla(va, vb);
    vd = Long.rotateRight(vd ^ va, 16);
    vc = bla(vc, vd);
    vb = Long.rotateRight(vb ^ vc, 63);
    v[a] = va;
    v[b] = vb;
    v[c] = vc;
    v[d] = vd;
  }

  /** BlaMka: x + y + 2 * lo32(x) * lo32(y). */
  private static long bla(long x, long y) {
    return x + y + 2 * (x & 0xFFFFFFFFL) * (y & 0xFFFFFFFFL);
  }

  /** H'^T (RFC 9106 §3.3): BLAKE2b of LE32(T) || X, chained in 32-byte steps past 64 bytes. */
  private static void variableHash(byte[] in, byte[] out) {
    int t = out.length;
    if (t <= 64) {
      Blake2bDigest d = new Blake2bDigest(t * 8);
      le32(d, t);
      d.update(in, 0, in.length);
      d.doFinal(out, 0);
      return;
    }
    byte[] v = new byte[64];
    Blake2bDigest d = new Blake2bDigest(512);
    le32(d, t);
    d.update(in, 0, in.length);
    d.doFinal(v, 0);
    System.arraycopy(v, 0, out, 0, 32);
    int pos = 32;
    int rounds = (t + 31) / 32 - 2;
    for (int i = 2; i <= rounds; i++) {
      d = new Blake2bDigest(512);
      d.update(v, 0, 64);
      d.doFinal(v, 0);
      System.arraycopy(v, 0, out, pos, 32);
      pos += 32;
    }
    int last = t - 32 * rounds;
    d = new Blake2bDigest(last * 8);
    d.update(v, 0, 64);
    byte[] lastOut = new byte[last];
    d.doFinal(lastOut, 0);
    System.arraycopy(lastOut, 0, out, pos, last);
  }

  private static void le32(Blake2bDigest d, int v) {
    d.update((byte) v);
    d.update((byte) (v >>> 8));
    d.update((byte) (v >>> 16));
    d.update((byte) (v >>> 24));
  }

  private static long getLong(byte[] b, int off) {
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = (v << 8) | (b[off + i] & 0xff);
    }
    return v;
  }

  private static void putLong(byte[] b, int off, long v) {
    for (int i = 0; i < 8; i++) {
      b[off + i] = (byte) (v >>> (8 * i));
    }
  }
}
