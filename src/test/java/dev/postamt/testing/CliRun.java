package dev.postamt.testing;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One run of the CLI ({@code postamt ARGS}) in this JVM: its exit status and what it printed. */
public record CliRun(int status, String out, String err) {
  public static CliRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = dev.postamt.cli.Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new CliRun(status, out.toString(), err.toString());
  }
}
