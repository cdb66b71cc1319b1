/**
 * Upgrades of the data directory: a snapshot of its SQLite files before a different build first opens
 * them (and migrates their schemas), and {@code postamt upgrade --rollback} back to that snapshot.
 *
 * <h2>On-disk layout</h2>
 *
 * <ul>
 *   <li>{@code data_dir/VERSION} — one line: the Postamt version that last opened the data directory.
 *   <li>{@code data_dir/upgrade/<old>-to-<new>-<yyyyMMdd'T'HHmmss'Z'>/} per upgrade: {@code files/} holds
 *       every SQLite file of the data directory at its relative path (with its {@code -wal} when one was
 *       there), {@code upgrade.info} says from, to and when, and {@code MANIFEST.sha256} ({@code
 *       sha256sum} format) is written last: a snapshot without it is unfinished and never restored.
 *       A rollback moves the files it replaces to {@code files/<path>.rolled-back} and leaves a {@code
 *       ROLLED-BACK} mark.
 * </ul>
 *
 * <p>Message files are not copied: Maildir files are immutable and the store indexes files it does not
 * know when it opens an account, so mail delivered after an upgrade reappears after a rollback.
 *
 * <h2>Failure behaviour</h2>
 *
 * <p>When the snapshot cannot be taken, nothing is opened and the start or command fails with one line;
 * {@code VERSION} is written only after the snapshot's manifest. A rollback refuses while a server runs,
 * checks the snapshot's hashes before it moves anything, and deletes nothing.
 */
package dev.postamt.upgrade;
