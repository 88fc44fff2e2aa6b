package io.holdfast.verify;

import io.holdfast.CampaignRequest;
import io.holdfast.Holdfast;
import io.holdfast.LeaseLostException;
import io.holdfast.Leadership;
import io.holdfast.LeadershipListener;
import io.holdfast.LeadershipLoss;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/*
 * The workload's view of the library's leader election, so that the same workers, faults and checkers judge it: a
 * worker's acquire is a campaign in the election named like the lock (the worker's owner is the campaign's value,
 * so histories read the same), its token the term, its release a resignation, and a lost leadership (not a
 * resignation) is reported like a lost lease. The client is configured as HoldfastDriver's. As the negative control
 * (localTerms) the term is this client's own count of elections won instead of the grant's fencing token, the
 * mistake of numbering terms where they are not decided; C2 must find the repeated terms.
 */
final class ElectionDriver implements LockDriver {
  private final Holdfast client;
  private final LostSink lost;
  private final boolean localTerms;
  private final AtomicLong wins = new AtomicLong();

  ElectionDriver(String backendUri, String clientName, Clock wallClock, Duration ttl, LostSink lost,
      boolean localTerms) {
    this.lost = lost;
    this.localTerms = localTerms;
    this.client = Holdfast.connect(HoldfastDriver.options(backendUri, clientName, wallClock, ttl));
  }

  @Override
  public Held tryAcquire(String lock, String owner, Duration ttl, Duration wait, boolean autoRenew) {
    CompletableFuture<Long> term = new CompletableFuture<>();
    CampaignRequest request = CampaignRequest.of(owner, ttl).withWait(wait).withListener(new LeadershipListener() {
      @Override
      public void elected(Leadership leadership) {
      }

      @Override
      public void lost(Leadership leadership, LeadershipLoss loss) {
        if (loss != LeadershipLoss.RESIGNED && loss != LeadershipLoss.CLIENT_CLOSED) {
          term.thenAccept(token -> lost.lost(lock, owner, token, loss.name()));
        }
      }
    });
    Optional<Leadership> won = client.election(lock).tryCampaign(autoRenew ? request : request.withoutAutoRenew());
    if (won.isEmpty()) {
      return null;
    }
    // The listener may run before this line: it reports the loss once the term is known.
    long token = localTerms ? wins.incrementAndGet() : won.get().term().value();
    term.complete(token);
    return new Led(won.get(), token);
  }

  @Override
  public String describe() {
    return "Holdfast election " + client.describeBackend();
  }

  @Override
  public void close() {
    client.close();
  }

  /** A leadership as a held lease; no renewal by hand (the election workload makes none). */
  private record Led(Leadership leadership, long token) implements Held {
    @Override
    public long validNanos() {
      return leadership.isLeader() ? leadership.remainingValidity().toNanos() : 0;
    }

    @Override
    public void renew() {
      throw new UnsupportedOperationException("a leadership is renewed automatically or not at all");
    }

    @Override
    public void release() {
      try {
        leadership.resign();
      } catch (LeaseLostException e) {
        throw new NotHeld(e.getMessage());
      }
    }
  }
}
