/**
 * Where users' Sieve scripts are kept: {@link dev.postamt.sieve.store.SieveScripts}, the one owner of
 * that state (scripts, which one is active, the last run error). The language itself is in {@code sieve}.
 */
package dev.postamt.sieve.store;
