/**
 * Opening the SQLite files that state owners keep under {@code data_dir} the same way: WAL, a busy time-out,
 * IMMEDIATE write transactions, and a {@code user_version} schema check. The SQL of each kind of state
 * stays in its owner class. {@link dev.postamt.sqlite.NativeLibrary} keeps sqlite-jdbc's native library
 * under {@code data_dir/cache} so that a start does not extract it again.
 */
package dev.postamt.sqlite;
