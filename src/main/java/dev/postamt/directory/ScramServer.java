package dev.postamt.directory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * The server side of one SCRAM-SHA-256 exchange (RFC 5802 §5, RFC 7677), independent of the protocol
 * carrying it (SMTP AUTH, IMAP AUTHENTICATE, POP3 AUTH). Messages are the decoded SASL payloads.
 *
 * <pre>
 * C: n,,n=user,r=cnonce                                  -> {@link #clientFirst}
 * S: r=cnonce+snonce,s=salt,i=4096
 * C: c=biws,r=cnonce+snonce,p=proof                      -> {@link #clientFinal}
 * S: v=signature                                          (then the protocol's success reply)
 * </pre>
 *
 * <p>{@link #exchange} runs these steps over any of the protocols; they differ only in how a
 * challenge is framed ({@code 334} or {@code +}) and in their replies, which stay with the caller.
 *
 * Channel binding is not offered (no -PLUS mechanism): a client flag "y" is accepted (RFC 5802 §6),
 * "p=" refused. For an unknown user the exchange runs with a salt derived from the name, so the
 * server's answers do not reveal which users exist; the proof then simply fails.
 */
public final class ScramServer {
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Per process: fake salts for unknown users are stable within a run, unpredictable across runs. */
  private static final byte[] FAKE_SALT_KEY = new byte[32];

  static {
    RANDOM.nextBytes(FAKE_SALT_KEY);
  }

  /** A failed exchange; the message is safe to show the client. */
  public static final class ScramException extends Exception {
    public ScramException(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * The protocol's half of a SASL exchange: sends {@code serverMessage} as a challenge (base64 in a
   * {@code 334} or {@code +} line) and returns the client's answer decoded. A cancel ({@code *}) or bad
   * base64 is the protocol's own error {@code E}, raised here.
   */
  @FunctionalInterface
  public interface Challenges<E extends Exception> {
    String challenge(String serverMessage) throws IOException, E;
  }

  private final LoginCheck logins;
  private String clientFirstBare;
  private String serverFirst;
  private String gs2Header;
  private String nonce;
  private String user;
  private String address;
  private ScramCredentials creds;

  public ScramServer(LoginCheck logins) {
    this.logins = logins;
  }

  /**
   * A whole exchange. {@code initial} is the client-first-message sent with the command (SASL-IR), or
   * null to ask for it with an empty challenge. IMAP, POP3 and SMTP AUTH have no room for "additional
   * data with success" in their success reply, so (RFC 4422 §5 item 4) the server-final-message goes
   * out as a last challenge, which the client must answer with an empty response. Returns the
   * authenticated user's canonical address; a wrong proof (or an unknown user, or one without SCRAM
   * credentials) is a {@link ScramException}.
   */
  public <E extends Exception> String exchange(String initial, Challenges<E> channel)
      throws ScramException, DirectoryException, IOException, E {
    String first = initial != null ? initial : channel.challenge("");
    String serverFinal = clientFinal(channel.challenge(clientFirst(first)));
    if (!channel.challenge(serverFinal).isEmpty()) {
      throw new ScramException("expected an empty response after the server signature");
    }
    return user();
  }

  /** Takes the client-first-message and returns the server-first-message. */
  public String clientFirst(String message) throws ScramException, DirectoryException {
    // gs2-header: cbind-flag "," [authzid] ","
    int c1 = message.indexOf(',');
    int c2 = c1 < 0 ? -1 : message.indexOf(',', c1 + 1);
    if (c1 < 0 || c2 < 0) {
      throw new ScramException("malformed client-first-message");
    }
    String flag = message.substring(0, c1);
    if (flag.startsWith("p=")) {
      throw new ScramException("channel binding is not supported");
    }
    if (!flag.equals("n") && !flag.equals("y")) {
      throw new ScramException("malformed client-first-message");
    }
    String authzid = message.substring(c1 + 1, c2);
    gs2Header = message.substring(0, c2 + 1);
    clientFirstBare = message.substring(c2 + 1);
    String[] attrs = clientFirstBare.split(",");
    if (attrs.length < 2 || !attrs[0].startsWith("n=") || !attrs[1].startsWith("r=") || attrs[1].length() < 3) {
      throw new ScramException("malformed client-first-message");
    }
    user = saslName(attrs[0].substring(2));
    if (!authzid.isEmpty() && !saslName(authzid.substring(authzid.startsWith("a=") ? 2 : 0)).equalsIgnoreCase(user)) {
      throw new ScramException("authorization identity differs from the user");
    }
    byte[] sn = new byte[18];
    RANDOM.nextBytes(sn);
    nonce = attrs[1].substring(2) + Base64.getEncoder().encodeToString(sn);
    Optional<LoginCheck.ScramLogin> found = logins.scramLogin(user);
    address = found.map(LoginCheck.ScramLogin::address).orElse(null);
    creds =
        found.map(LoginCheck.ScramLogin::credentials)
            .orElseGet(() -> new ScramCredentials(ScramCredentials.ITERATIONS, fakeSalt(user), new byte[32], new byte[32]));
    serverFirst = "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(creds.salt()) + ",i=" + creds.iterations();
    return serverFirst;
  }

  /**
   * Takes the client-final-message and returns the server-final-message ({@code v=…}) when the proof
   * is right; the authenticated user's canonical address is then {@link #user()}.
   */
  public String clientFinal(String message) throws ScramException, DirectoryException {
    if (serverFirst == null) {
      throw new ScramException("client-final-message out of sequence");
    }
    int p = message.lastIndexOf(",p=");
    if (p < 0) {
      throw new ScramException("malformed client-final-message");
    }
    String withoutProof = message.substring(0, p);
    String[] attrs = withoutProof.split(",");
    if (attrs.length < 2 || !attrs[0].startsWith("c=") || !attrs[1].startsWith("r=")) {
      throw new ScramException("malformed client-final-message");
    }
    String expectedBinding = Base64.getEncoder().encodeToString(gs2Header.getBytes(StandardCharsets.UTF_8));
    if (!attrs[0].substring(2).equals(expectedBinding)) {
      throw new ScramException("channel binding data do not match");
    }
    if (!attrs[1].substring(2).equals(nonce)) {
      throw new ScramException("nonce mismatch");
    }
    byte[] proof;
    try {
      proof = Base64.getDecoder().decode(message.substring(p + 3));
    } catch (IllegalArgumentException e) {
      throw new ScramException("malformed proof");
    }
    byte[] authMessage = (clientFirstBare + "," + serverFirst + "," + withoutProof).getBytes(StandardCharsets.UTF_8);
    byte[] clientSignature = ScramCredentials.hmac(creds.storedKey(), authMessage);
    if (proof.length != clientSignature.length) {
      throw new ScramException("authentication failed");
    }
    byte[] clientKey = new byte[proof.length];
    for (int i = 0; i < proof.length; i++) {
      clientKey[i] = (byte) (proof[i] ^ clientSignature[i]);
    }
    if (!MessageDigest.isEqual(ScramCredentials.sha256(clientKey), creds.storedKey())) {
      throw new ScramException("authentication failed");
    }
    byte[] serverSignature = ScramCredentials.hmac(creds.serverKey(), authMessage);
    return "v=" + Base64.getEncoder().encodeToString(serverSignature);
  }

  /** The user name the client gave in its first message (null before it), for failed-login counts. */
  public String claimedUser() {
    return user;
  }

  /** The canonical address of the user, once {@link #clientFinal} succeeded. */
  public String user() {
    return address;
  }

  /** RFC 5802 §5.1: "=2C" is ',' and "=3D" is '='; any other '=' is malformed. */
  static String saslName(String s) throws ScramException {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '=') {
        if (s.startsWith("=2C", i)) {
          b.append(',');
        } else if (s.startsWith("=3D", i)) {
          b.append('=');
        } else {
          throw new ScramException("malformed username");
        }
        i += 2;
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  private static byte[] fakeSalt(String user) {
    byte[] h = ScramCredentials.hmac(FAKE_SALT_KEY, user.toLowerCase(java.util.Locale.ROOT));
    return java.util.Arrays.copyOf(h, 16);
  }
}
