package dev.postamt.testing;

import dev.postamt.directory.ScramCredentials;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** A SCRAM-SHA-256 client as RFC 5802 §3 describes it, for tests. */
public final class ScramClient {
  private final String user;
  private final String password;
  private final String nonce = "fyko+d2lbbFgONRv9qkxdawL";
  private String clientFirstBare;
  private byte[] serverSignature;

  public ScramClient(String user, String password) {
    this.user = user;
    this.password = password;
  }

  public String clientFirst() {
    clientFirstBare = "n=" + user.replace("=", "=3D").replace(",", "=2C") + ",r=" + nonce;
    return "n,," + clientFirstBare;
  }

  public String clientFinal(String serverFirst) {
    String[] a = serverFirst.split(",");
    String r = a[0].substring(2);
    byte[] salt = Base64.getDecoder().decode(a[1].substring(2));
    int i = Integer.parseInt(a[2].substring(2));
    String withoutProof = "c=biws,r=" + r;
    String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
    byte[] salted = ScramCredentials.saltedPassword(password.toCharArray(), salt, i);
    byte[] clientKey = ScramCredentials.hmac(salted, "Client Key");
    byte[] stored = ScramCredentials.sha256(clientKey);
    byte[] sig = ScramCredentials.hmac(stored, authMessage.getBytes(StandardCharsets.UTF_8));
    byte[] proof = new byte[clientKey.length];
    for (int k = 0; k < proof.length; k++) {
      proof[k] = (byte) (clientKey[k] ^ sig[k]);
    }
    serverSignature = ScramCredentials.hmac(ScramCredentials.hmac(salted, "Server Key"), authMessage.getBytes(StandardCharsets.UTF_8));
    return withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof);
  }

  public boolean verifyServer(String serverFinal) {
    return serverFinal.equals("v=" + Base64.getEncoder().encodeToString(serverSignature));
  }
}
