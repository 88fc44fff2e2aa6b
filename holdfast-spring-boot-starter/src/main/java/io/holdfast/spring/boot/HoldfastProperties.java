package io.holdfast.spring.boot;

import io.holdfast.HoldfastOptions;
import io.holdfast.InvalidArgumentException;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code holdfast.*} properties: the {@link HoldfastOptions} of the application's one Holdfast client, and the
 * settings of the integrations the starter wires when they are on the class path. Unset options keep Holdfast's
 * defaults; {@code holdfast.backend} has none and must be set.
 *
 * <p>A mutable bean, as Spring binds it; it is read once, when the client is made.
 */
@ConfigurationProperties(prefix = "holdfast")
public class HoldfastProperties {
  /**
   * Where locks live: redis://host:6379 (rediss:// for TLS), redis-sentinel://, redis-cluster://,
   * redis-quorum://, holdfast://TOKEN@host:7420 for the lock service (holdfast-client on the class path), or
   * embedded: for an in-process store that excludes only within this JVM. Required.
   */
  private String backend;

  /** A name for logs, metrics and the Redis CLIENT SETNAME; defaults to holdfast-PID. */
  private String clientName;

  /** Prefix of every Redis key and channel Holdfast writes. */
  private String keyPrefix;

  /** How long one backend call may take before it counts as a transient failure (default 3s). */
  private Duration operationTimeout;

  /** How long release, renew and inspect keep retrying transient failures (default 10s). */
  private Duration retryBudget;

  /** First retry delay; it doubles per attempt, with full jitter (default 10ms). */
  private Duration initialBackoff;

  /** The largest retry delay (default 1s). */
  private Duration maxBackoff;

  /** How often a waiter re-checks a held lock when no release message arrives (default 2s). */
  private Duration recheckInterval;

  /** The fraction of the lease TTL after which a held lease is renewed, 0.1 to 0.6 (default 1/3). */
  private Double renewalFraction;

  /** Clock drift allowance, as a fraction of the TTL taken off the local validity deadline (default 0.01). */
  private Double driftFactor;

  /** The most leases renewed in one backend call (default 10000). */
  private Integer renewalBatchSize;

  /** The Spring Integration LockRegistry, made when holdfast-spring-integration is on the class path. */
  private final Integration integration = new Integration();

  /** The ShedLock LockProvider, made when holdfast-shedlock is on the class path. */
  private final Shedlock shedlock = new Shedlock();

  /**
   * The client options these properties describe.
   *
   * @param meterRegistry where the client's metrics go, or null for a registry of its own
   * @return the options
   * @throws InvalidArgumentException when {@code holdfast.backend} is not set, or a value is out of range
   */
  public HoldfastOptions toOptions(MeterRegistry meterRegistry) {
    if (backend == null || backend.isBlank()) {
      throw new InvalidArgumentException("holdfast.backend is not set: set it to redis://host:6379 for Redis,"
          + " holdfast://TOKEN@host:7420 for the lock service, or embedded: for an in-process store that excludes"
          + " only within this JVM");
    }
    HoldfastOptions.Builder options = HoldfastOptions.builder().backend(backend).meterRegistry(meterRegistry);
    // Holdfast's own defaults for what is unset, read from it rather than copied here.
    HoldfastOptions defaults = HoldfastOptions.builder().embedded().build();
    options.clientName(clientName != null ? clientName : defaults.clientName())
        .keyPrefix(keyPrefix != null ? keyPrefix : defaults.keyPrefix())
        .backoff(initialBackoff != null ? initialBackoff : defaults.initialBackoff(),
            maxBackoff != null ? maxBackoff : defaults.maxBackoff());
    if (operationTimeout != null) {
      options.operationTimeout(operationTimeout);
    }
    if (retryBudget != null) {
      options.retryBudget(retryBudget);
    }
    if (recheckInterval != null) {
      options.recheckInterval(recheckInterval);
    }
    if (renewalFraction != null) {
      options.renewalFraction(renewalFraction);
    }
    if (driftFactor != null) {
      options.driftFactor(driftFactor);
    }
    if (renewalBatchSize != null) {
      options.renewalBatchSize(renewalBatchSize);
    }
    return options.build();
  }

  /** @return {@code holdfast.backend} */
  public String getBackend() {
    return backend;
  }

  /** @param backend {@code holdfast.backend} */
  public void setBackend(String backend) {
    this.backend = backend;
  }

  /** @return {@code holdfast.client-name} */
  public String getClientName() {
    return clientName;
  }

  /** @param clientName {@code holdfast.client-name} */
  public void setClientName(String clientName) {
    this.clientName = clientName;
  }

  /** @return {@code holdfast.key-prefix} */
  public String getKeyPrefix() {
    return keyPrefix;
  }

  /** @param keyPrefix {@code holdfast.key-prefix} */
  public void setKeyPrefix(String keyPrefix) {
    this.keyPrefix = keyPrefix;
  }

  /** @return {@code holdfast.operation-timeout} */
  public Duration getOperationTimeout() {
    return operationTimeout;
  }

  /** @param operationTimeout {@code holdfast.operation-timeout} */
  public void setOperationTimeout(Duration operationTimeout) {
    this.operationTimeout = operationTimeout;
  }

  /** @return {@code holdfast.retry-budget} */
  public Duration getRetryBudget() {
    return retryBudget;
  }

  /** @param retryBudget {@code holdfast.retry-budget} */
  public void setRetryBudget(Duration retryBudget) {
    this.retryBudget = retryBudget;
  }

  /** @return {@code holdfast.initial-backoff} */
  public Duration getInitialBackoff() {
    return initialBackoff;
  }

  /** @param initialBackoff {@code holdfast.initial-backoff} */
  public void setInitialBackoff(Duration initialBackoff) {
    this.initialBackoff = initialBackoff;
  }

  /** @return {@code holdfast.max-backoff} */
  public Duration getMaxBackoff() {
    return maxBackoff;
  }

  /** @param maxBackoff {@code holdfast.max-backoff} */
  public void setMaxBackoff(Duration maxBackoff) {
    this.maxBackoff = maxBackoff;
  }

  /** @return {@code holdfast.recheck-interval} */
  public Duration getRecheckInterval() {
    return recheckInterval;
  }

  /** @param recheckInterval {@code holdfast.recheck-interval} */
  public void setRecheckInterval(Duration recheckInterval) {
    this.recheckInterval = recheckInterval;
  }

  /** @return {@code holdfast.renewal-fraction} */
  public Double getRenewalFraction() {
    return renewalFraction;
  }

  /** @param renewalFraction {@code holdfast.renewal-fraction} */
  public void setRenewalFraction(Double renewalFraction) {
    this.renewalFraction = renewalFraction;
  }

  /** @return {@code holdfast.drift-factor} */
  public Double getDriftFactor() {
    return driftFactor;
  }

  /** @param driftFactor {@code holdfast.drift-factor} */
  public void setDriftFactor(Double driftFactor) {
    this.driftFactor = driftFactor;
  }

  /** @return {@code holdfast.renewal-batch-size} */
  public Integer getRenewalBatchSize() {
    return renewalBatchSize;
  }

  /** @param renewalBatchSize {@code holdfast.renewal-batch-size} */
  public void setRenewalBatchSize(Integer renewalBatchSize) {
    this.renewalBatchSize = renewalBatchSize;
  }

  /** @return {@code holdfast.integration.*} */
  public Integration getIntegration() {
    return integration;
  }

  /** @return {@code holdfast.shedlock.*} */
  public Shedlock getShedlock() {
    return shedlock;
  }

  /** {@code holdfast.integration.*}: the Spring Integration {@code LockRegistry}. */
  public static class Integration {
    /** Prefix of the registry's lock names (registry-key:lock-key). */
    private String registryKey = "holdfast";

    /** Lease TTL of the registry's locks: how long a lock outlives a dead process (renewed while held). */
    private Duration expireAfter = Duration.ofSeconds(60);

    /** @return {@code holdfast.integration.registry-key} */
    public String getRegistryKey() {
      return registryKey;
    }

    /** @param registryKey {@code holdfast.integration.registry-key} */
    public void setRegistryKey(String registryKey) {
      this.registryKey = registryKey;
    }

    /** @return {@code holdfast.integration.expire-after} */
    public Duration getExpireAfter() {
      return expireAfter;
    }

    /** @param expireAfter {@code holdfast.integration.expire-after} */
    public void setExpireAfter(Duration expireAfter) {
      this.expireAfter = expireAfter;
    }
  }

  /** {@code holdfast.shedlock.*}: the ShedLock {@code LockProvider}. */
  public static class Shedlock {
    /** Prefix of every ShedLock lock name. */
    private String prefix = "shedlock/";

    /** @return {@code holdfast.shedlock.prefix} */
    public String getPrefix() {
      return prefix;
    }

    /** @param prefix {@code holdfast.shedlock.prefix} */
    public void setPrefix(String prefix) {
      this.prefix = prefix;
    }
  }
}
