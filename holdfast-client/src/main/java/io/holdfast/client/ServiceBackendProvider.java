package io.holdfast.client;

import io.holdfast.HoldfastOptions;
import io.holdfast.spi.LockBackend;
import io.holdfast.spi.LockBackendProvider;
import java.net.URI;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * Provides the lock service backend for {@code holdfast://} and {@code holdfasts://} (TLS) URIs, so that an
 * application moves from Redis to the lock service by changing its backend URI only:
 *
 * <pre>{@code
 * Holdfast holdfast = Holdfast.connect("holdfast://lock-1:7420,lock-2:7420?session-ttl=10s");
 * }</pre>
 *
 * <p>URI form: {@code holdfast[s]://[TOKEN@]host:port[,host:port...][?session-ttl=DURATION&ca=PEM-FILE]}. The
 * bearer token is taken from the user-info, else from the environment variable {@code HOLDFAST_TOKEN}.
 *
 * <p>Sessions: the backend opens a session on first use and keeps it alive at a third of its TTL; leases are
 * bound to it and renewed through it in one call per renewal batch. If the session expires (this process was
 * paused or cut off longer than its TTL) its leases are reported lost through their listeners at their next
 * renewal, and a new session is opened for later acquires. Instances: calls go to a healthy instance (each is
 * checked on {@code /health} every second) and move to another when one fails; every call is idempotent, so the
 * engine's retries are safe. Found through {@link java.util.ServiceLoader}; applications use
 * {@link io.holdfast.Holdfast#connect(HoldfastOptions)}.
 */
public final class ServiceBackendProvider implements LockBackendProvider {

  /** Creates the provider; called by {@link java.util.ServiceLoader}. */
  public ServiceBackendProvider() { }

  /**
   * Whether the URI is a lock service URI.
   *
   * @param backend the backend URI
   * @return true for {@code holdfast://} and {@code holdfasts://}
   */
  @Override
  public boolean supports(URI backend) {
    return ServiceTarget.supports(backend);
  }

  /**
   * Connects, waiting up to the operation timeout for a healthy instance. No session is opened until the
   * first acquire.
   *
   * @param options the client options
   * @return the backend
   * @throws io.holdfast.InvalidArgumentException when the URI is malformed
   * @throws io.holdfast.BackendUnavailableException when no instance is healthy within the operation timeout
   */
  @Override
  public LockBackend open(HoldfastOptions options) {
    ServiceTarget target = ServiceTarget.parse(options.backend().toString(), System.getenv());
    ServiceChannel channel = ServiceChannel.open(target, options.operationTimeout());
    ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread thread = new Thread(runnable, "holdfast-service-client-" + options.clientName());
      thread.setDaemon(true);
      return thread;
    });
    timer.setRemoveOnCancelPolicy(true);
    return new ServiceBackend(target, channel, options, timer);
  }
}
