package io.holdfast;

import io.holdfast.spi.LockBackend;
import io.holdfast.spi.LockBackendProvider;
import java.net.URI;
import java.util.ServiceLoader;

/**
 * Picks the backend for a URI: embedded is built in, others come from {@link ServiceLoader} providers. Not an API
 * for applications, which call {@link Holdfast#connect(HoldfastOptions)}: public only so that Holdfast's own lock
 * service can run the library's primitives' steps (the SPI features of a backend) without a second copy of their
 * rules. Stateless.
 */
public final class ClientFactory {
  private ClientFactory() { }

  static Holdfast connect(HoldfastOptions options) {
    if (options == null) {
      throw new InvalidArgumentException("options must not be null");
    }
    return new LockClient(options, openBackend(options));
  }

  /**
   * Opens the backend the options name, exactly as {@link Holdfast#connect(HoldfastOptions)} does, without the
   * client engine on top: the caller owns it and must close it.
   *
   * @param options the options (backend URI, key prefix, timeouts)
   * @return the connected backend
   * @throws InvalidArgumentException when no backend on the class path supports the URI
   * @throws BackendUnavailableException when the backend cannot be reached
   */
  public static LockBackend openBackend(HoldfastOptions options) {
    URI uri = options.backend();
    if (EmbeddedBackend.supports(uri)) {
      return EmbeddedBackend.open(uri);
    }
    for (LockBackendProvider provider : ServiceLoader.load(LockBackendProvider.class)) {
      if (provider.supports(uri)) {
        return provider.open(options);
      }
    }
    throw new InvalidArgumentException("no Holdfast backend supports '" + uri.getScheme() + ":' URIs (" + uri
        + "); use embedded: or redis://host:port with holdfast-redis on the class path");
  }
}
