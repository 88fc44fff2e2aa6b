package io.holdfast;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link Holdfast} client connects and behaves. Make one with {@link #builder()}; every field is
 * validated when the options are built, with the bad value in the message.
 *
 * @param backend where locks live: {@code embedded:} (in this process; {@code embedded:NAME} for a separate
 *     named store) or {@code redis://[user:password@]host:port[/db]} ({@code rediss://} for TLS)
 * @param clientName a name for logs, metrics and the Redis {@code CLIENT SETNAME}
 * @param keyPrefix prefix of every Redis key and channel Holdfast writes
 * @param meterRegistry where metrics go
 * @param wallClock used only to stamp {@link Lease#acquiredAt()}; never for validity or expiry
 * @param operationTimeout how long one backend call may take before it counts as a transient failure
 * @param retryBudget how long release, renew and inspect keep retrying transient failures (acquire uses its
 *     wait timeout, but at least this)
 * @param initialBackoff first retry delay; it doubles per attempt, with full jitter
 * @param maxBackoff the largest retry delay
 * @param recheckInterval how often a waiter re-checks a held lock when no release message arrives (the
 *     fallback for a lost pub/sub message)
 * @param renewalFraction the fraction of the TTL after which an auto-renewed lease is renewed (0.1 to 0.6)
 * @param driftFactor clock drift allowance, as a fraction of the TTL taken off the local validity deadline
 * @param renewalBatchSize the most leases renewed in one backend call
 */
public record HoldfastOptions(
    URI backend,
    String clientName,
    String keyPrefix,
    MeterRegistry meterRegistry,
    Clock wallClock,
    Duration operationTimeout,
    Duration retryBudget,
    Duration initialBackoff,
    Duration maxBackoff,
    Duration recheckInterval,
    double renewalFraction,
    double driftFactor,
    int renewalBatchSize) {

  /** The fixed part of the drift allowance, added to {@code driftFactor * ttl}. */
  public static final Duration FIXED_DRIFT = Duration.ofMillis(2);

  /**
   * Validates the options.
   *
   * @throws InvalidArgumentException on a missing or out-of-range value
   */
  public HoldfastOptions {
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(meterRegistry, "meterRegistry");
    Objects.requireNonNull(wallClock, "wallClock");
    if (clientName == null || clientName.isBlank() || clientName.length() > 128) {
      throw new InvalidArgumentException("client name must be 1 to 128 characters, was '" + clientName + "'");
    }
    if (keyPrefix == null || !keyPrefix.matches("[A-Za-z0-9_.:-]{1,64}")) {
      throw new InvalidArgumentException(
          "key prefix must be 1 to 64 characters of [A-Za-z0-9_.:-], was '" + keyPrefix + "'");
    }
    positive(operationTimeout, "operation timeout");
    positive(retryBudget, "retry budget");
    positive(initialBackoff, "initial backoff");
    positive(maxBackoff, "max backoff");
    positive(recheckInterval, "recheck interval");
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new InvalidArgumentException(
          "max backoff " + maxBackoff + " must not be below initial backoff " + initialBackoff);
    }
    if (!(renewalFraction >= 0.1 && renewalFraction <= 0.6)) {
      throw new InvalidArgumentException("renewal fraction must be in [0.1, 0.6], was " + renewalFraction);
    }
    if (!(driftFactor >= 0 && driftFactor <= 0.2)) {
      throw new InvalidArgumentException("drift factor must be in [0, 0.2], was " + driftFactor);
    }
    if (renewalBatchSize < 1 || renewalBatchSize > 100_000) {
      throw new InvalidArgumentException("renewal batch size must be in [1, 100000], was " + renewalBatchSize);
    }
  }

  /**
   * A builder with the defaults: 3 s operation timeout, 10 s retry budget, backoff 10 ms to 1 s, 2 s re-check,
   * renewal at 1/3 of the TTL, 1% drift, batches of 10,000. The backend has no default: {@link Builder#build()}
   * fails until {@link Builder#backend(String)} or {@link Builder#embedded()} names one, because an in-process
   * default would exclude nothing across processes, silently.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The drift allowance for a lease of {@code ttl}: what the local validity deadline keeps back from the
   * backend's expiry to cover clock-rate differences and the trip back.
   *
   * @param ttl the lease TTL
   * @return the allowance
   */
  public Duration driftAllowance(Duration ttl) {
    return Duration.ofNanos((long) (ttl.toNanos() * driftFactor)).plus(FIXED_DRIFT);
  }

  private static void positive(Duration value, String what) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new InvalidArgumentException(what + " must be positive, was " + value);
    }
  }

  /** Builds {@link HoldfastOptions}; not thread-safe. */
  public static final class Builder {
    private static final String NO_BACKEND = "no backend chosen: call backend(\"redis://host:6379\") for Redis (the"
        + " README's table lists Sentinel, Cluster and Redlock URIs), backend(\"holdfast://TOKEN@host:7420\") for"
        + " the lock service, or embedded() for an in-process store that excludes only within this JVM";
    private URI backend;
    private String clientName = "holdfast-" + ProcessHandle.current().pid();
    private String keyPrefix = "holdfast";
    private MeterRegistry meterRegistry;
    private Clock wallClock = Clock.systemUTC();
    private Duration operationTimeout = Duration.ofSeconds(3);
    private Duration retryBudget = Duration.ofSeconds(10);
    private Duration initialBackoff = Duration.ofMillis(10);
    private Duration maxBackoff = Duration.ofSeconds(1);
    private Duration recheckInterval = Duration.ofSeconds(2);
    private double renewalFraction = 1.0 / 3;
    private double driftFactor = 0.01;
    private int renewalBatchSize = 10_000;

    private Builder() { }

    /**
     * Sets the backend URI; see {@link HoldfastOptions#backend()}.
     *
     * @param uri e.g. {@code redis://127.0.0.1:6379} or {@code embedded:}
     * @return this builder
     * @throws InvalidArgumentException when the text is not a URI
     */
    public Builder backend(String uri) {
      try {
        this.backend = URI.create(uri);
      } catch (IllegalArgumentException | NullPointerException e) {
        throw new InvalidArgumentException("backend must be a URI such as redis://host:6379, was '" + uri + "'");
      }
      return this;
    }

    /**
     * Uses the in-process store named {@code default}, shared by every embedded client in this JVM. It excludes
     * only within this JVM: for tests and single-process use, never for exclusion across processes.
     *
     * @return this builder
     */
    public Builder embedded() {
      return backend("embedded:default");
    }

    /**
     * Sets {@link HoldfastOptions#clientName()}.
     *
     * @param value the new value, validated by {@link #build()}
     * @return this builder
     */
    public Builder clientName(String value) {
      this.clientName = value;
      return this;
    }

    /**
     * Sets {@link HoldfastOptions#keyPrefix()}.
     *
     * @param value the new value, validated by {@link #build()}
     * @return this builder
     */
    public Builder keyPrefix(String value) {
      this.keyPrefix = value;
      return this;
    }

    /**
     * Sets {@link HoldfastOptions#meterRegistry()}.
     *
     * @param value the new value, validated by {@link #build()}
     * @return this builder
     */
    public Builder meterRegistry(MeterRegistry value) {
      this.meterRegistry = value;
      return this;
    }

    /**
     * Sets {@link HoldfastOptions#wallClock()}.
     *
     * @param value the new value, validated by {@link #build()}
     * @return this builder
     */
    public Builder wallClock(Clock value) {
      this.wallClock = value;
      return this;
    }

    /**
     * Sets {@link HoldfastOptions#operationTimeout()}.
     *
     * @param value the new value, validated by {@link #build()}
     * @return this builder
     */
    public Builder operationTimeout(Duration value) {
      this.operationTimeout = value;
      return this;
    }

    /**
     * Sets {@link HoldfastOptions#retryBudget()}.
     *
     * @param value the new value, validated by {@link #build()}
     * @return this builder
     */
    public Builder retryBudget(Duration value) {
      this.retryBudget = value;
      return this;
    }

    /**
     * Sets the retry backoff range.
     *
     * @param initial first delay
     * @param max largest delay
     * @return this builder
     */
    public Builder backoff(Duration initial, Duration max) {
      this.initialBackoff = initial;
      this.maxBackoff = max;
      return this;
    }

    /**
     * Sets {@link HoldfastOptions#recheckInterval()}.
     *
     * @param value the new value, validated by {@link #build()}
     * @return this builder
     */
    public Builder recheckInterval(Duration value) {
      this.recheckInterval = value;
      return this;
    }

    /**
     * Sets {@link HoldfastOptions#renewalFraction()}.
     *
     * @param value the new value, validated by {@link #build()}
     * @return this builder
     */
    public Builder renewalFraction(double value) {
      this.renewalFraction = value;
      return this;
    }

    /**
     * Sets {@link HoldfastOptions#driftFactor()}.
     *
     * @param value the new value, validated by {@link #build()}
     * @return this builder
     */
    public Builder driftFactor(double value) {
      this.driftFactor = value;
      return this;
    }

    /**
     * Sets {@link HoldfastOptions#renewalBatchSize()}.
     *
     * @param value the new value, validated by {@link #build()}
     * @return this builder
     */
    public Builder renewalBatchSize(int value) {
      this.renewalBatchSize = value;
      return this;
    }

    /**
     * Validates and builds the options.
     *
     * @return the options
     * @throws InvalidArgumentException on a bad value, or when no backend was chosen
     */
    public HoldfastOptions build() {
      if (backend == null) {
        throw new InvalidArgumentException(NO_BACKEND);
      }
      MeterRegistry registry = meterRegistry != null ? meterRegistry : new SimpleMeterRegistry();
      return new HoldfastOptions(backend, clientName, keyPrefix, registry, wallClock, operationTimeout,
          retryBudget, initialBackoff, maxBackoff, recheckInterval, renewalFraction, driftFactor,
          renewalBatchSize);
    }
  }
}
