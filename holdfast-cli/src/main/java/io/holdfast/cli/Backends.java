package io.holdfast.cli;

import io.holdfast.BackendUnavailableException;
import io.holdfast.ErrorCode;
import io.holdfast.Holdfast;
import io.holdfast.HoldfastException;
import io.holdfast.HoldfastOptions;
import io.holdfast.InvalidArgumentException;

/*
 * Connects clients for commands and turns connection failures into one-line CliFailures with the right exit
 * code. Every command connects through here, so "cannot reach Redis at ..." reads the same everywhere.
 */
final class Backends {
  private Backends() { }

  /**
   * Connects with the given options.
   *
   * @throws CliFailure exit 2 when the backend is unreachable, unsupported or refuses us; exit 1 otherwise
   */
  static Holdfast connect(HoldfastOptions options) {
    try {
      return Holdfast.connect(options);
    } catch (HoldfastException e) {
      throw failure(options.backend().toString(), e);
    }
  }

  /** The one-line failure for a backend error seen while connecting or using {@code backendUri}. */
  static CliFailure failure(String backendUri, HoldfastException e) {
    String where = redact(backendUri);
    if (e instanceof BackendUnavailableException) {
      return new CliFailure("cannot reach Redis at " + where + ": " + rootMessage(e), HoldfastCli.EXIT_USAGE);
    }
    if (e instanceof InvalidArgumentException) {
      return new CliFailure("cannot use backend " + where + ": " + e.getMessage(), HoldfastCli.EXIT_USAGE);
    }
    if (e.code() == ErrorCode.PERMISSION_DENIED) {
      return new CliFailure(e.getMessage(), HoldfastCli.EXIT_USAGE);
    }
    return new CliFailure(e.getMessage(), HoldfastCli.EXIT_FAILURE);
  }

  /** Drops {@code user:password@} so that a password never reaches the terminal or a CI log. */
  static String redact(String uri) {
    return uri.replaceFirst("//[^/@]*@", "//");
  }

  /* The innermost cause says what actually happened ("Connection refused"); the wrappers only repeat the URI. */
  static String rootMessage(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    if (message == null || message.isBlank()) {
      return root.getClass().getSimpleName();
    }
    return message.replace('\n', ' ');
  }
}
