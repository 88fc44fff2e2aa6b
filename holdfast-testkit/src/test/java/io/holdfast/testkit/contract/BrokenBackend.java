package io.holdfast.testkit.contract;

import io.holdfast.FencingToken;
import io.holdfast.HoldfastOptions;
import io.holdfast.LockName;
import io.holdfast.LockState;
import io.holdfast.OwnerToken;
import io.holdfast.internal.LockTable;
import io.holdfast.spi.AcquireOutcome;
import io.holdfast.spi.LockBackend;
import io.holdfast.spi.LockBackendProvider;
import io.holdfast.spi.ReleaseOutcome;
import io.holdfast.spi.ReleaseSubscription;
import io.holdfast.spi.RenewRequest;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/*
 * Deliberately wrong lock backends, for ContractSuiteSelfTest only: the embedded backend's engine (LockTable, the
 * Redis scripts' rules on the monotonic clock) with one defect each, served for broken:<defect> URIs. With
 * Defect.NONE it is a correct backend, which is what shows that the failures of the others come from their defect.
 * Every client of one defect shares one table, as embedded clients share a store.
 */
final class BrokenBackend implements LockBackend {
  /** What is wrong with the backend. */
  enum Defect {
    /** Nothing: the control. */
    NONE,
    /** Leases end at 60% of their TTL (and of each renewal's): the failure Holdfast exists to prevent. */
    EXPIRES_EARLY,
    /** Leases never end unless released. */
    NEVER_EXPIRES,
    /** Every fresh grant gets token 1, as when the counter is kept in the lock's key and freed with it. */
    REUSES_TOKENS,
    /** Release frees the lock whoever asks, as a plain DEL would. */
    RELEASES_FOR_NON_OWNER;

    String uri() {
      return "broken:" + name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  private static final Map<Defect, BrokenBackend> BACKENDS = new ConcurrentHashMap<>();
  private static final ExecutorService NOTIFIER = Executors.newSingleThreadExecutor(runnable -> {
    Thread thread = new Thread(runnable, "holdfast-broken-backend");
    thread.setDaemon(true);
    return thread;
  });

  private final Defect defect;
  private final LockTable table = new LockTable(this::publish);
  private final Map<String, List<Runnable>> listeners = new ConcurrentHashMap<>();

  private BrokenBackend(Defect defect) {
    this.defect = defect;
  }

  private Duration held(Duration ttl) {
    return switch (defect) {
      case EXPIRES_EARLY -> ttl.multipliedBy(6).dividedBy(10);
      case NEVER_EXPIRES -> Duration.ofDays(1);
      default -> ttl;
    };
  }

  private long reported(long token) {
    return defect == Defect.REUSES_TOKENS ? 1 : token;
  }

  /** The real token of the owner's grant: a REUSES_TOKENS client only knows the reported one. */
  private long actual(LockName name, OwnerToken owner, FencingToken token) {
    if (defect != Defect.REUSES_TOKENS) {
      return token.value();
    }
    return table.inspect(name.value()).filter(view -> view.owner().equals(owner.value()))
        .map(LockTable.View::token).orElse(token.value());
  }

  @Override
  public CompletableFuture<AcquireOutcome> tryAcquire(LockName name, OwnerToken owner, Duration ttl,
      long requestId) {
    LockTable.Attempt attempt = table.acquire(name.value(), owner.value(), held(ttl), requestId, null);
    if (attempt instanceof LockTable.Granted granted) {
      return CompletableFuture.completedFuture(
          new AcquireOutcome.Granted(new FencingToken(reported(granted.token())), granted.holds()));
    }
    return CompletableFuture.completedFuture(new AcquireOutcome.Busy(((LockTable.Busy) attempt).remaining()));
  }

  @Override
  public CompletableFuture<ReleaseOutcome> release(LockName name, OwnerToken owner, FencingToken token,
      long requestId) {
    long holds;
    if (defect == Defect.RELEASES_FOR_NON_OWNER) {
      holds = table.inspect(name.value())
          .map(view -> table.release(name.value(), view.owner(), view.token(), requestId)).orElse(-1L);
    } else {
      holds = table.release(name.value(), owner.value(), actual(name, owner, token), requestId);
    }
    return CompletableFuture.completedFuture(
        holds < 0 ? new ReleaseOutcome.NotOwner() : new ReleaseOutcome.Released((int) holds));
  }

  @Override
  public CompletableFuture<List<Boolean>> renew(List<RenewRequest> leases) {
    List<LockTable.Renewal> renewals = leases.stream().map(lease -> new LockTable.Renewal(lease.name().value(),
        lease.owner().value(), actual(lease.name(), lease.owner(), lease.fencingToken()), held(lease.ttl())))
        .toList();
    return CompletableFuture.completedFuture(table.renew(renewals, null, 0));
  }

  @Override
  public CompletableFuture<Optional<LockState>> inspect(LockName name) {
    return CompletableFuture.completedFuture(table.inspect(name.value()).map(view -> new LockState(name,
        new OwnerToken(view.owner()), new FencingToken(reported(view.token())), view.holds(), view.remaining())));
  }

  @Override
  public CompletableFuture<ReleaseSubscription> subscribe(LockName name, Runnable onRelease) {
    listeners.computeIfAbsent(name.value(), n -> new CopyOnWriteArrayList<>()).add(onRelease);
    return CompletableFuture.completedFuture(() -> listeners.computeIfPresent(name.value(), (n, list) -> {
      list.remove(onRelease);
      return list.isEmpty() ? null : list;
    }));
  }

  private void publish(String name) {
    List<Runnable> targets = listeners.get(name);
    if (targets != null) {
      NOTIFIER.execute(() -> targets.forEach(Runnable::run));
    }
  }

  @Override
  public boolean isTransient(Throwable failure) {
    return false;
  }

  @Override
  public String describe() {
    return defect.uri() + " (deliberately wrong, for the contract suite's self-test)";
  }

  @Override
  public void close() {
    // The table outlives clients so that the other clients of the defect keep their locks.
  }

  /** Serves {@code broken:<defect>}; registered in META-INF/services of the test class path. */
  public static final class Provider implements LockBackendProvider {
    /** For ServiceLoader. */
    public Provider() { }

    @Override
    public boolean supports(URI backend) {
      return "broken".equals(backend.getScheme());
    }

    @Override
    public LockBackend open(HoldfastOptions options) {
      String defect = options.backend().getSchemeSpecificPart().toUpperCase(Locale.ROOT).replace('-', '_');
      return BACKENDS.computeIfAbsent(Defect.valueOf(defect), BrokenBackend::new);
    }
  }
}
