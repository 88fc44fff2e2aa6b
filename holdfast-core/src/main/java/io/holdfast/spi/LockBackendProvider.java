package io.holdfast.spi;

import io.holdfast.HoldfastOptions;
import java.net.URI;

/**
 * Creates {@link LockBackend}s for the URI schemes it knows. Implementations are found with
 * {@link java.util.ServiceLoader}: list the class in {@code META-INF/services/io.holdfast.spi.LockBackendProvider}.
 */
public interface LockBackendProvider {
  /**
   * Whether this provider serves the URI (usually by its scheme).
   *
   * @param backend the URI from {@link HoldfastOptions#backend()}
   * @return true if {@link #open(HoldfastOptions)} can serve it
   */
  boolean supports(URI backend);

  /**
   * Connects to the backend.
   *
   * @param options the client's options (URI, timeouts, key prefix, metrics)
   * @return a connected backend
   * @throws io.holdfast.InvalidArgumentException when the URI is malformed
   * @throws io.holdfast.BackendUnavailableException when the backend cannot be reached
   */
  LockBackend open(HoldfastOptions options);
}
