package dev.postamt.directory;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Domains, users and aliases, kept in SQLite at {@code data_dir/directory.db}. Every lookup reads the
 * database, so changes made by the CLI while the server runs take effect at once.
 */
public final class Directory implements AutoCloseable {

  public static Directory open(Path dataDir) throws DirectoryException {
    throw new UnsupportedOperationException("directory not written yet");
  }

  public void addDomain(String name) throws DirectoryException {
    throw new UnsupportedOperationException();
  }

  public void removeDomain(String name) throws DirectoryException {
    throw new UnsupportedOperationException();
  }

  public List<String> domains() throws DirectoryException {
    throw new UnsupportedOperationException();
  }

  public boolean isLocalDomain(String domain) throws DirectoryException {
    throw new UnsupportedOperationException();
  }

  public void addUser(String address, char[] password) throws DirectoryException {
    throw new UnsupportedOperationException();
  }

  public void setPassword(String address, char[] password) throws DirectoryException {
    throw new UnsupportedOperationException();
  }

  public void removeUser(String address) throws DirectoryException {
    throw new UnsupportedOperationException();
  }

  public List<String> users() throws DirectoryException {
    throw new UnsupportedOperationException();
  }

  public boolean userExists(String address) throws DirectoryException {
    throw new UnsupportedOperationException();
  }

  /** The user's canonical address when the password is right. */
  public Optional<String> authenticate(String username, char[] password) throws DirectoryException {
    throw new UnsupportedOperationException();
  }

  public void addAlias(String address, List<String> targets) throws DirectoryException {
    throw new UnsupportedOperationException();
  }

  public void removeAlias(String address) throws DirectoryException {
    throw new UnsupportedOperationException();
  }

  public Map<String, List<String>> aliases() throws DirectoryException {
    throw new UnsupportedOperationException();
  }

  /** Targets of the alias {@code address} (exact address, then {@code @domain} catch-all); empty if none. */
  public List<String> aliasTargets(String address) throws DirectoryException {
    throw new UnsupportedOperationException();
  }

  @Override
  public void close() {}
}
