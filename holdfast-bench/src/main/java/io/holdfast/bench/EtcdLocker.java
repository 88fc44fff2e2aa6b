package io.holdfast.bench;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Lock;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.lock.LockResponse;
import io.etcd.jetcd.support.CloseableClient;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One jetcd client instance, used as etcd documents its Lock API: one lease per client (granted with the
 * workload's TTL and kept alive by jetcd's {@code keepAlive}, every third of the TTL), {@code lock(name, lease)},
 * which waits in the server until the lock is this lease's, and {@code unlock(key)}.
 *
 * <p>Why a local gate per lock name: etcd's lock belongs to the lease, and its key is the name plus the lease ID,
 * so a second thread of the same instance asking for a lock its lease holds would be told it has it too. Threads
 * of one instance therefore take turns on a local semaphore first, as every user of a lease-owned lock in a
 * threaded process must; each grant still costs its own lock and unlock in etcd. The semaphore is fair, as etcd's
 * lock is (its waiters are served in the order their keys were created): a barging gate would let one thread
 * take the lock again and again while the instance's other threads starve.
 *
 * <p>The fencing token is the revision in the lock response's header: the grant's key was created, or its
 * predecessor's deleted, at that revision or before, and the previous holder's grant came before that deletion,
 * so successive grants of one lock carry growing revisions.
 */
final class EtcdLocker implements Locker {
  private static final Logger LOG = LoggerFactory.getLogger(EtcdLocker.class);
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

  private final Client client;
  private final Lock locks;
  private final long lease;
  private final CloseableClient keepAlive;
  private final ConcurrentMap<String, Semaphore> gates = new ConcurrentHashMap<>();

  private EtcdLocker(Client client, long lease, CloseableClient keepAlive) {
    this.client = client;
    this.locks = client.getLockClient();
    this.lease = lease;
    this.keepAlive = keepAlive;
  }

  /** Connects, grants the instance's lease with the spec's TTL (whole seconds, at least 1) and keeps it alive. */
  static EtcdLocker open(String endpoint, LockerSpec spec) {
    Client client = Client.builder().endpoints(endpoint).build();
    try {
      long ttl = Math.max(1, spec.leaseTtl().toSeconds());
      long lease = get(client.getLeaseClient().grant(ttl)).getID();
      CloseableClient keepAlive = client.getLeaseClient().keepAlive(lease, new KeepAliveLog(spec.instanceName()));
      return new EtcdLocker(client, lease, keepAlive);
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  @Override
  public Held acquire(String name, Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    Semaphore gate = gates.computeIfAbsent(name, n -> new Semaphore(1, true));
    if (!gate.tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS)) {
      return null;
    }
    CompletableFuture<LockResponse> pending = locks.lock(bytes(name), lease);
    try {
      LockResponse granted = pending.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      return new EtcdHeld(granted.getKey(), granted.getHeader().getRevision(), gate);
    } catch (TimeoutException | InterruptedException e) {
      abandon(pending, gate);
      if (e instanceof InterruptedException interrupted) {
        throw interrupted;
      }
      return null;
    } catch (ExecutionException e) {
      gate.release();
      throw new IllegalStateException("etcd lock " + name + " failed: " + e.getCause(), e.getCause());
    }
  }

  /**
   * A lock call that outlived its wait may still be granted: it is unlocked when it is, and the gate stays shut
   * until then, so that no other thread of this instance takes the same key meanwhile.
   */
  private void abandon(CompletableFuture<LockResponse> pending, Semaphore gate) {
    pending.whenComplete((granted, failure) -> {
      if (granted == null) {
        gate.release();
        return;
      }
      locks.unlock(granted.getKey()).whenComplete((unlocked, error) -> gate.release());
    });
  }

  /** Not used: these contenders run only the blocking cycle workloads and the fleet. */
  @Override
  public CompletableFuture<Held> acquireAsync(String name, boolean renew) {
    return CompletableFuture.failedFuture(new UnsupportedOperationException("etcd runs no bulk workload"));
  }

  /** Revokes the lease, which releases whatever it still holds, and closes the client. */
  @Override
  public void close() {
    keepAlive.close();
    try {
      get(client.getLeaseClient().revoke(lease));
    } catch (RuntimeException e) {
      LOG.debug("revoking lease {} failed; it expires by itself", lease, e);
    } finally {
      client.close();
    }
  }

  private static ByteSequence bytes(String text) {
    return ByteSequence.from(text, StandardCharsets.UTF_8);
  }

  private static <T> T get(CompletableFuture<T> future) {
    try {
      return future.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for etcd", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("etcd call failed: " + (e.getCause() != null ? e.getCause() : e), e);
    }
  }

  private final class EtcdHeld implements Held {
    private final ByteSequence key;
    private final long token;
    private final Semaphore gate;

    EtcdHeld(ByteSequence key, long token, Semaphore gate) {
      this.key = key;
      this.token = token;
      this.gate = gate;
    }

    @Override
    public long token() {
      return token;
    }

    @Override
    public void release() {
      try {
        get(locks.unlock(key));
      } finally {
        gate.release();
      }
    }

    @Override
    public CompletableFuture<Void> releaseAsync() {
      return locks.unlock(key).whenComplete((unlocked, failure) -> gate.release()).thenApply(unlocked -> null);
    }
  }

  /** jetcd reports keep-alive failures here; a lost lease shows up as a failed unlock or a violation. */
  private record KeepAliveLog(String instance) implements StreamObserver<LeaseKeepAliveResponse> {
    @Override
    public void onNext(LeaseKeepAliveResponse response) { }

    @Override
    public void onError(Throwable error) {
      LOG.warn("{}: etcd lease keep-alive failed", instance, error);
    }

    @Override
    public void onCompleted() { }
  }
}
