package io.holdfast;

import io.holdfast.spi.LockBackend;
import io.holdfast.spi.LockBackendProvider;
import java.net.URI;
import java.util.ServiceLoader;

/* Picks the backend for a URI: embedded is built in, others come from ServiceLoader providers. Stateless. */
final class ClientFactory {
  private ClientFactory() { }

  static Holdfast connect(HoldfastOptions options) {
    if (options == null) {
      throw new InvalidArgumentException("options must not be null");
    }
    return new LockClient(options, openBackend(options));
  }

  static LockBackend openBackend(HoldfastOptions options) {
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
