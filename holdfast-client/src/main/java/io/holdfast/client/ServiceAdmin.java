package io.holdfast.client;

import io.holdfast.ErrorCode;
import io.holdfast.HoldfastException;
import io.holdfast.api.v1.ForceReleaseRequest;
import io.holdfast.api.v1.ForceReleaseResponse;
import io.holdfast.api.v1.InspectRequest;
import io.holdfast.api.v1.ListLocksRequest;
import io.holdfast.api.v1.ListLocksResponse;
import io.holdfast.api.v1.ListSessionsRequest;
import io.holdfast.api.v1.ListWaitersRequest;
import io.holdfast.api.v1.LockInfo;
import io.holdfast.api.v1.SessionInfo;
import io.holdfast.api.v1.Waiter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Operator access to a lock service: the admin views and force-release of the {@code holdfast.v1} API, for
 * tools such as the {@code holdfast} command. Every call is scoped by the server to the token's tenant.
 *
 * <p>Calls are blocking and are not retried: a view is cheap to ask again, and a force-release is deliberate.
 * Failures are thrown as {@link HoldfastException} with the server's {@link ErrorCode} (UNAVAILABLE when no
 * instance answers, PERMISSION_DENIED for a missing or wrong token or a client-role force-release). Thread-safe.
 */
public final class ServiceAdmin implements AutoCloseable {
  private final ServiceChannel channel;

  private ServiceAdmin(ServiceChannel channel) {
    this.channel = channel;
  }

  /**
   * Connects to the service named by a {@code holdfast://} or {@code holdfasts://} URI (token from the URI or
   * {@code HOLDFAST_TOKEN}).
   *
   * @param uri the service
   * @param timeout how long each call (and the first health check) may take
   * @return the connection
   * @throws io.holdfast.InvalidArgumentException when the URI is malformed
   * @throws io.holdfast.BackendUnavailableException when no instance is healthy
   */
  public static ServiceAdmin connect(String uri, Duration timeout) {
    return new ServiceAdmin(ServiceChannel.open(ServiceTarget.parse(uri, System.getenv()), timeout));
  }

  /**
   * Every held and lock-delayed lock, by name: follows the service's pages (1,000 locks each) to the end, one call
   * per page. A lock held throughout the walk is listed exactly once; one taken or freed meanwhile may or may not be.
   *
   * @param prefix only names starting with this ("" for all)
   * @return the locks
   */
  public List<LockInfo> listLocks(String prefix) {
    List<LockInfo> all = new ArrayList<>();
    String token = "";
    do {
      ListLocksResponse page = listLocks(prefix, token, 0);
      all.addAll(page.getLocksList());
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    return all;
  }

  /**
   * One page of held and lock-delayed locks, by name.
   *
   * @param prefix only names starting with this ("" for all)
   * @param pageToken "" for the first page, else the previous page's {@link ListLocksResponse#getNextPageToken()}
   * @param limit at most this many locks (0: the service's cap, 1,000); a page may hold fewer and still not be the
   *     last
   * @return the page; its next page token is "" on the last page
   */
  public ListLocksResponse listLocks(String prefix, String pageToken, int limit) {
    return await(Rpc.call(channel.admin::listLocks, ListLocksRequest.newBuilder().setPrefix(prefix)
        .setPageToken(pageToken).setLimit(limit).build()), "listing locks");
  }

  /**
   * One lock; {@link LockInfo#getHeld()} and {@link LockInfo#getDelayed()} are false when it is free.
   *
   * @param name the lock
   * @return its state
   */
  public LockInfo inspect(String name) {
    return await(Rpc.call(channel.locks::inspect, InspectRequest.newBuilder().setName(name).build()),
        "inspect of lock '" + name + "'");
  }

  /**
   * Who waits for a lock.
   *
   * @param name the lock
   * @return waiters, earliest deadline first
   */
  public List<Waiter> listWaiters(String name) {
    return await(Rpc.call(channel.admin::listWaiters, ListWaitersRequest.newBuilder().setName(name).build()),
        "listing waiters of lock '" + name + "'").getWaitersList();
  }

  /**
   * Sessions of the tenant.
   *
   * @return live and recently expired sessions
   */
  public List<SessionInfo> listSessions() {
    return await(Rpc.call(channel.admin::listSessions, ListSessionsRequest.getDefaultInstance()),
        "listing sessions").getSessionsList();
  }

  /**
   * Frees a lock whoever holds it (admin role only); the holder's renew and release fail from then on and the
   * next grant's token is larger.
   *
   * @param name the lock
   * @param fencingToken free it only at this token, or 0 for any
   * @return whether a grant was freed, and its token
   */
  public ForceReleaseResponse forceRelease(String name, long fencingToken) {
    return await(Rpc.call(channel.admin::forceRelease, ForceReleaseRequest.newBuilder().setName(name)
        .setFencingToken(fencingToken).build()), "force-release of lock '" + name + "'");
  }

  /** Closes the connection. */
  @Override
  public void close() {
    channel.close();
  }

  private static <T> T await(CompletableFuture<T> call, String what) {
    try {
      return call.get();
    } catch (InterruptedException e) {
      call.cancel(true);
      Thread.currentThread().interrupt();
      throw new HoldfastException(ErrorCode.INTERRUPTED, what + " was interrupted", e);
    } catch (ExecutionException e) {
      throw Rpc.toHoldfast(e.getCause(), what);
    }
  }
}
