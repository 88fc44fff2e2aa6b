package io.holdfast.server;

import io.grpc.Context;

/*
 * Who is calling: the tenant and role of the bearer token, put in the gRPC Context by Authenticator before any
 * service method runs. Immutable; the Context is per call, so there is no shared state.
 */
record Principal(String tenant, Role role) {
  static final Context.Key<Principal> KEY = Context.key("holdfast-principal");

  /** The caller of the current gRPC call; Authenticator guarantees it is set. */
  static Principal current() {
    Principal principal = KEY.get();
    if (principal == null) {
      throw new IllegalStateException("no principal in the gRPC context: the Authenticator interceptor is missing");
    }
    return principal;
  }

  boolean isAdmin() {
    return role == Role.ADMIN;
  }
}
