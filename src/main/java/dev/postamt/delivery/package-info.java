/**
 * Final delivery of queued messages: {@link dev.postamt.delivery.LocalDelivery} writes into a user's
 * Maildir (adding {@code Return-Path:} and {@code Delivered-To:}), pipes to a command, or appends to an
 * mbox file; {@link dev.postamt.delivery.RemoteTransport} is what the queue calls for addresses outside
 * our domains. A failed delivery is a temporary or permanent {@link
 * dev.postamt.queue.RecipientStatus}, never an exception that escapes to the queue.
 */
package dev.postamt.delivery;
