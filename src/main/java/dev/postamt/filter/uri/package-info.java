/** The links of a message (HTML and text, obfuscated forms) and the URI DNS block lists asked about them. */
package dev.postamt.filter.uri;
