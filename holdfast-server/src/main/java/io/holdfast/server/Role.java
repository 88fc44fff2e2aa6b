package io.holdfast.server;

/** What a bearer token may do within its tenant. */
public enum Role {
  /** Sessions, locks, inspect and the read-only admin views of its tenant. */
  CLIENT,
  /** Everything a client may, plus force-release. */
  ADMIN
}
