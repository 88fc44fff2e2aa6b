package io.holdfast.cli;

import io.holdfast.BackendUnavailableException;
import io.holdfast.ErrorCode;
import io.holdfast.Holdfast;
import io.holdfast.HoldfastException;
import io.holdfast.HoldfastOptions;
import io.holdfast.InvalidArgumentException;

/*
 * The lock-service counterpart of Backends: one-line CliFailures that name the service (never its token) for the
 * server, locks, lock and run commands. Exit 2 when the service cannot be used at all (unreachable, bad URI,
 * refused credentials), 1 for anything else. Stateless.
 */
final class ServiceFailures {
  private ServiceFailures() { }

  static Holdfast connect(HoldfastOptions options) {
    try {
      return Holdfast.connect(options);
    } catch (HoldfastException e) {
      throw failure(options.backend().toString(), e);
    }
  }

  static CliFailure failure(String uri, HoldfastException e) {
    String where = Backends.redact(uri);
    if (e instanceof BackendUnavailableException) {
      return new CliFailure("cannot reach the lock service at " + where + ": " + e.getMessage()
          + " (the address comes from --server or " + ServerOption.ENV + ")", HoldfastCli.EXIT_USAGE);
    }
    if (e.code() == ErrorCode.PERMISSION_DENIED && e.getMessage().contains("missing bearer token")) {
      return new CliFailure("the lock service at " + where + " needs a token: put it in the address"
          + " (--server holdfast://TOKEN@host:port) or set " + ServerOption.TOKEN_ENV, HoldfastCli.EXIT_USAGE);
    }
    if (e instanceof InvalidArgumentException) {
      return new CliFailure(e.getMessage(), HoldfastCli.EXIT_USAGE);
    }
    if (e.code() == ErrorCode.PERMISSION_DENIED) {
      return new CliFailure("the lock service at " + where + " refused: " + e.getMessage(), HoldfastCli.EXIT_USAGE);
    }
    return new CliFailure(e.getMessage(), HoldfastCli.EXIT_FAILURE);
  }
}
