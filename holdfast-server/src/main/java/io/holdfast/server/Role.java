package io.holdfast.server;

/** What a bearer token may do within its tenant. */
public enum Role {
  /**
   * Its own sessions and their locks, inspect, and the read-only admin views of its tenant without owner tokens.
   */
  CLIENT,
  /** Everything a client may, on every session of its tenant, plus owner tokens in listings and force-release. */
  ADMIN
}
