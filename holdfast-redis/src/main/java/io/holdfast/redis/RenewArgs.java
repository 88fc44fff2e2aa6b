package io.holdfast.redis;

import io.holdfast.spi.RenewRequest;
import java.util.List;

/*
 * renew.lua's arguments, written once for the library's batches and the lock service's keep-alives: the
 * run-length encoded TTL list ("ttl*count,ttl*count,..." over runs of equal TTLs, in key order, which keeps a
 * batch of 10,000 equal leases to one short argument), then owner and token of each lease, then (sessions only)
 * the renewing session, its new expiry and its principal. Stateless; each call builds a fresh array.
 */
final class RenewArgs {
  private RenewArgs() { }

  /** A library batch: TTLs, then owner and token of each lease. */
  static String[] of(List<RenewRequest> leases) {
    String[] args = new String[1 + leases.size() * 2];
    RunLengths ttls = new RunLengths();
    for (int i = 0; i < leases.size(); i++) {
      RenewRequest lease = leases.get(i);
      ttls.add(LockScripts.ttlMillis(lease.ttl()));
      args[1 + 2 * i] = lease.owner().value();
      args[2 + 2 * i] = Long.toString(lease.fencingToken().value());
    }
    args[0] = ttls.encoded();
    return args;
  }

  /**
   * A session's keep-alive: as {@link #of}, then the session id, its new expiry and its principal (an entry with
   * an owner is renewed only if its grant is that principal's); an entry with an empty owner is a session-bound
   * grant that has no lease TTL of its own, and carries no token.
   */
  static String[] ofSession(List<LockScripts.SessionRenewal> entries, String sessionId, long sessionExpiry,
      String principal) {
    String[] args = new String[4 + entries.size() * 2];
    RunLengths ttls = new RunLengths();
    for (int i = 0; i < entries.size(); i++) {
      LockScripts.SessionRenewal entry = entries.get(i);
      ttls.add(Long.toString(entry.ttl().toMillis()));
      args[1 + 2 * i] = entry.owner();
      args[2 + 2 * i] = entry.owner().isEmpty() ? "" : Long.toString(entry.token());
    }
    args[0] = ttls.encoded();
    args[args.length - 3] = sessionId;
    args[args.length - 2] = Long.toString(sessionExpiry);
    args[args.length - 1] = principal;
    return args;
  }

  /** renew.lua's TTL list over runs of equal TTLs, in key order. */
  private static final class RunLengths {
    private final StringBuilder text = new StringBuilder();
    private String run;
    private int count;

    void add(String ttl) {
      if (!ttl.equals(run)) {
        flush();
        run = ttl;
        count = 0;
      }
      count++;
    }

    private void flush() {
      if (run != null) {
        text.append(text.length() == 0 ? "" : ",").append(run).append('*').append(count);
      }
    }

    /** The list so far; call once, after the last {@link #add}. */
    String encoded() {
      flush();
      run = null;
      return text.toString();
    }
  }
}
