package dev.postamt.managesieve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.sieve.store.SieveScripts;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The script commands of RFC 5804 §2.5–§2.13 and their response codes, over TLS. */
class ManageSieveScriptsTest {
  static final String SCRIPT = "require [\"fileinto\"];\r\nif header :contains \"Subject\" \"[list]\" {\r\n"
      + "  fileinto \"Lists\";\r\n}\r\n";

  @RegisterExtension final ManageSieveTestServer server =
      ManageSieveTestServer.create().limits(new SieveScripts.Limits(3, 2000));

  @Test
  void putListGetActivateDelete() throws Exception {
    SieveClient c = server.login();
    c.send("LISTSCRIPTS");
    assertThat(c.response()).containsExactly("OK \"Listscripts completed\"");
    c.sendWithLiteral("PUTSCRIPT \"lists\"", SCRIPT).expect("OK \"Putscript completed\"");
    c.send("PUTSCRIPT \"quoted \\\"name\\\"\" \"keep;\"").expect("OK *");
    c.send("GETSCRIPT \"lists\"");
    assertThat(c.response()).containsExactly("{" + SCRIPT.length() + "}\r\n" + SCRIPT, "OK \"Getscript completed\"");
    c.send("SETACTIVE \"lists\"").expect("OK *");
    c.send("LISTSCRIPTS");
    assertThat(c.response()).containsExactlyInAnyOrder("\"lists\" ACTIVE", "\"quoted \\\"name\\\"\"",
        "OK \"Listscripts completed\"");
    assertThat(server.scripts.active(ManageSieveTestServer.ALICE).orElseThrow().text()).isEqualTo(SCRIPT);

    c.send("DELETESCRIPT \"lists\"").expect("NO (ACTIVE) *");
    c.send("SETACTIVE \"nope\"").expect("NO (NONEXISTENT) *");
    c.send("SETACTIVE \"\"").expect("OK *");
    assertThat(server.scripts.active(ManageSieveTestServer.ALICE)).isEmpty();
    c.send("DELETESCRIPT \"lists\"").expect("OK *");
    c.send("GETSCRIPT \"lists\"").expect("NO (NONEXISTENT) *");
    c.send("DELETESCRIPT \"lists\"").expect("NO (NONEXISTENT) *");
  }

  @Test
  void aScriptThatDoesNotCompileIsRefusedWithLineAndColumn() throws Exception {
    SieveClient c = server.login();
    String broken = "require \"fileinto\";\r\nfileinto \"a\"\r\nkeep;\r\nredirect;\r\n";
    c.sendWithLiteral("PUTSCRIPT \"broken\"", broken);
    String no = c.response().getLast();
    assertThat(no).startsWith("NO {").endsWith("\r\n2:1: missing semicolon ';' after fileinto command\r\n"
        + "4:1: the redirect command requires 1 positional argument(s), but 0 is/are specified");
    c.send("LISTSCRIPTS");
    assertThat(c.response()).containsExactly("OK \"Listscripts completed\"");
    c.send("CHECKSCRIPT \"fileinto \\\"x\\\";\"").expect("NO \"1:1: unknown command 'fileinto' (missing require \\\"fileinto\\\"?)\"");
    c.sendWithLiteral("CHECKSCRIPT", SCRIPT).expect("OK \"Script is valid\"");
    assertThat(server.scripts.list(ManageSieveTestServer.ALICE)).isEmpty();
  }

  @Test
  void warningsComeWithTheOk() throws Exception {
    SieveClient c = server.login();
    c.sendWithLiteral("PUTSCRIPT \"warn\"", "if header :is \"bad name:\" \"x\" { keep; }\r\n")
        .expect("OK (WARNINGS) \"1:*: warning: *bad name:*\"");
    assertThat(server.scripts.get(ManageSieveTestServer.ALICE, "warn")).isPresent();
  }

  @Test
  void includeFindsTheUsersOtherScripts() throws Exception {
    SieveClient c = server.login();
    String main = "require \"include\";\r\ninclude :personal \"lists\";\r\n";
    c.sendWithLiteral("PUTSCRIPT \"main\"", main).expect("NO \"2:*included personal script 'lists' does not exist\"");
    c.sendWithLiteral("PUTSCRIPT \"lists\"", SCRIPT).expect("OK *");
    c.sendWithLiteral("PUTSCRIPT \"main\"", main).expect("OK *");
    // a script that includes itself: once stored that way, the compiler finds the circle
    String self = "require \"include\";\r\ninclude :personal \"self\";\r\n";
    c.sendWithLiteral("PUTSCRIPT \"self\"", "keep;").expect("OK *");
    c.sendWithLiteral("PUTSCRIPT \"self\"", self).expect("OK *");
    c.sendWithLiteral("PUTSCRIPT \"self\"", self).expect("NO {*}\r\n2:19: in included script 'self': 2:19: circular include*");
    c.send("NOOP").expect("OK \"Done\"");
  }

  @Test
  void renameKeepsTheActiveScriptAndRefusesExistingNames() throws Exception {
    SieveClient c = server.login();
    c.send("PUTSCRIPT \"a\" \"keep;\"").expect("OK *");
    c.send("PUTSCRIPT \"b\" \"discard;\"").expect("OK *");
    c.send("SETACTIVE \"a\"").expect("OK *");
    c.send("RENAMESCRIPT \"a\" \"b\"").expect("NO (ALREADYEXISTS) *");
    c.send("RENAMESCRIPT \"x\" \"y\"").expect("NO (NONEXISTENT) *");
    c.send("RENAMESCRIPT \"a\" \"c/d\"").expect("NO \"Invalid script name: *\"");
    c.send("RENAMESCRIPT \"a\" \"c\"").expect("OK *");
    c.send("LISTSCRIPTS");
    assertThat(c.response()).contains("\"c\" ACTIVE", "\"b\"");
  }

  @Test
  void quotaCodesForSizeAndCount() throws Exception {
    SieveClient c = server.login();
    c.send("HAVESPACE \"a\" 2000").expect("OK *");
    c.send("HAVESPACE \"a\" 2001").expect("NO (QUOTA/MAXSIZE) *");
    c.send("HAVESPACE \"a\" \"10\"").expect("NO *");
    c.sendWithLiteral("PUTSCRIPT \"big\"", "#".repeat(2001) + "\r\nkeep;\r\n").expect("NO (QUOTA/MAXSIZE) *");
    c.send("NOOP \"still there\"").expect("OK (TAG \"still there\") \"Done\"");
    for (String n : List.of("a", "b", "c")) {
      c.send("PUTSCRIPT \"" + n + "\" \"keep;\"").expect("OK *");
    }
    c.send("HAVESPACE \"d\" 10").expect("NO (QUOTA/MAXSCRIPTS) *");
    c.send("HAVESPACE \"a\" 10").expect("OK *"); // replacing is no new script
    c.send("PUTSCRIPT \"d\" \"keep;\"").expect("NO (QUOTA/MAXSCRIPTS) *");
    c.send("PUTSCRIPT \"a\" \"discard;\"").expect("OK *");
    c.send("PUTSCRIPT \"bad\u0001name\" \"keep;\"").expect("NO \"Invalid script name: *\"");
  }

  @Test
  void aLiteralFarOverTheLimitEndsTheSession() throws Exception {
    SieveClient c = server.login();
    c.send("PUTSCRIPT \"huge\" {100000+}").expect("BYE \"Literal too large (the limit is 2000 octets)\"");
    assertThat(c.closedByServer()).isTrue();
  }

  @Test
  void beforeLoginLiteralsAreSmall() throws Exception {
    SieveClient c = server.connect();
    c.send("AUTHENTICATE \"PLAIN\" {9000+}").expect("BYE *");
    assertThat(c.closedByServer()).isTrue();
  }
}
