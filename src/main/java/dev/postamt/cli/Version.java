package dev.postamt.cli;

import picocli.CommandLine.IVersionProvider;

/** Version from the jar manifest (Implementation-Version), or "dev" when run from classes. */
public final class Version implements IVersionProvider {
  public static String get() {
    String v = Version.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  @Override
  public String[] getVersion() {
    return new String[] {"postamt " + get() + " (Java " + Runtime.version() + ")"};
  }
}
