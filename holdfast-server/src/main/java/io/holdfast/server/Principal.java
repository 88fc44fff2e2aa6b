package io.holdfast.server;

import io.grpc.Context;

/*
 * Who is calling: the tenant and role of the bearer token and an id that names the token without revealing it,
 * put in the gRPC Context by Authenticator before any service method runs. A session belongs to the principal
 * id that opened it (stored with the session, so every instance agrees); only that principal or an admin of the
 * tenant may use it. Immutable; the Context is per call, so there is no shared state.
 */
record Principal(String tenant, Role role, String id) {
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

  /**
   * Whose sessions this caller may use, as a session reference carries it: its own id, or empty for an admin,
   * who may use every session of its tenant.
   */
  String sessionScope() {
    return isAdmin() ? "" : id;
  }
}
