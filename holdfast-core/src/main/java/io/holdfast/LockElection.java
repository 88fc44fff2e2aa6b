package io.holdfast;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/*
 * An election as a use of the lock, nothing more: a campaign is an acquire by a fresh candidate owner (waiting,
 * retry, the one-waiter wake-up and batched renewal are the lock's), the leader is whoever the lock's state shows,
 * and the term is the grant's fencing token. No rule of its own reaches the backend, so it is as safe as the lock on
 * every backend; Candidacy adds the listener contract and LeaderWatch the observation. Stateless apart from the
 * client it belongs to.
 */
final class LockElection implements Election {
  private final LockClient client;
  private final LockName name;

  LockElection(LockClient client, LockName name) {
    this.client = client;
    this.name = name;
  }

  @Override
  public LockName name() {
    return name;
  }

  @Override
  public Leadership campaign(CampaignRequest request) {
    return Failures.join(campaignAsync(request), "campaign in election '" + name + "'");
  }

  @Override
  public Optional<Leadership> tryCampaign(CampaignRequest request) {
    return Failures.join(tryCampaignAsync(request), "campaign in election '" + name + "'");
  }

  @Override
  public CompletableFuture<Leadership> campaignAsync(CampaignRequest request) {
    CompletableFuture<Optional<Leadership>> attempt = tryCampaignAsync(request);
    CompletableFuture<Leadership> result = attempt.thenApply(won -> won.orElseThrow(() ->
        new LockWaitTimeoutException("election '" + name + "' still led by another candidate after campaigning "
            + request.waitTimeout().toMillis() + " ms")));
    result.whenComplete((leadership, failure) -> {
      if (result.isCancelled()) {
        attempt.cancel(false);
      }
    });
    return result;
  }

  private CompletableFuture<Optional<Leadership>> tryCampaignAsync(CampaignRequest request) {
    if (request == null) {
      throw new InvalidArgumentException("campaign request must not be null");
    }
    Candidacy candidacy = new Candidacy(client, name, request);
    CompletableFuture<Optional<Lease>> acquiring = client.tryAcquireAsync(candidacy.acquireRequest(request));
    CompletableFuture<Optional<Leadership>> result = new CompletableFuture<>();
    acquiring.whenComplete((lease, failure) -> {
      if (failure != null) {
        candidacy.withdraw();
        result.completeExceptionally(failure);
      } else if (lease.isEmpty()) {
        candidacy.withdraw();
        result.complete(Optional.empty());
      } else {
        candidacy.granted(lease.get(), result);
      }
    });
    result.whenComplete((leadership, failure) -> {
      if (result.isCancelled()) {
        candidacy.withdraw();
        acquiring.cancel(false);
      }
    });
    return result;
  }

  @Override
  public Optional<Leader> leader() {
    return client.inspect(name.value()).map(Leader::of);
  }

  @Override
  public Observation observe(LeaderObserver observer) {
    if (observer == null) {
      throw new InvalidArgumentException("leader observer must not be null");
    }
    return new LeaderWatch(client, name, observer).start();
  }

  @Override
  public String toString() {
    return "Election[" + name + "]";
  }
}
