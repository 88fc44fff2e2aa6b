package io.holdfast.redis;

import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One Lettuce {@link ClientResources} (I/O event loops, computation threads, the {@code HashedWheelTimer} of
 * command timeouts and reconnects) for every Holdfast client on a single server, Sentinel or independent masters
 * in this JVM, reference-counted: the first client creates it, the last one to close shuts it down.
 *
 * <p>Why: each resources object starts its own event-loop groups and timer. A process that opens many clients
 * (a fleet simulation, a test suite, an application with one client per tenant) otherwise runs one set of
 * threads per client, and Netty warns about too many timer instances past 64. Lettuce is built for sharing: a
 * client created with given resources never shuts them down itself, and a connection stays on one event loop.
 * Cluster clients keep private resources, because they subscribe to the resources' event bus for topology
 * changes, which a shared bus would deliver to every cluster client in the process.
 *
 * <p>Why it is safe: the count and the instance change only under the class lock. A client releases exactly
 * the instance it acquired; one that is not the current shared instance (it was created privately) is shut
 * down instead. The last release clears the instance before shutting it down outside the lock, so a client
 * opened meanwhile gets a fresh one and never a resources object that is shutting down.
 */
final class SharedClientResources {
  private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(2);

  private static ClientResources shared;
  private static int users;

  private SharedClientResources() { }

  /** The shared resources, created on first use; every call must be matched by one {@link #release}. */
  static synchronized ClientResources acquire() {
    if (shared == null) {
      shared = LettuceSetup.resources();
    }
    users++;
    return shared;
  }

  /** Gives back resources from {@link #acquire} (shut down with the last user) or private ones (shut down). */
  static void release(ClientResources resources) {
    boolean last;
    synchronized (SharedClientResources.class) {
      if (resources == shared) {
        users--;
        last = users == 0;
        if (last) {
          shared = null;
        }
      } else {
        last = true;
      }
    }
    if (last) {
      resources.shutdown(0, SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** How many clients hold the shared instance now (for tests). */
  static synchronized int users() {
    return users;
  }
}
