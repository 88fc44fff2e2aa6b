package io.holdfast.server;

import com.linecorp.armeria.server.ServiceRequestContext;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.holdfast.ErrorCode;
import io.holdfast.api.v1.Reason;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Checks "authorization: Bearer <token>" on every gRPC call (HTTP/JSON transcoded calls go through the same
 * interceptor) and puts the caller's Principal in the Context. Tokens are kept as SHA-256 digests and looked up
 * by digest, so no secret stays in memory in the clear and the lookup time does not depend on how much of a
 * guess matched. With authentication off every caller is the admin of the tenant "default" (one shared, immutable
 * Principal). The token map is immutable after construction; each thread keeps its own SHA-256 instance, because
 * MessageDigest is not thread-safe and looking one up through the security providers on every call costs more
 * than the digest itself.
 * The gRPC health check and reflection are let through without a token (see open).
 */
final class Authenticator implements ServerInterceptor {
  static final String OPEN_TENANT = "default";
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private static final Principal OPEN = new Principal(OPEN_TENANT, Role.ADMIN, "open");
  private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(Authenticator::sha256);

  private static final Logger log = LoggerFactory.getLogger(Authenticator.class);
  private static final long LOG_EVERY_NANOS = 1_000_000_000L;

  private final Map<String, Principal> byDigest;
  private final boolean enabled;
  private final ServiceMetrics metrics;
  private final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);
  private final AtomicLong unlogged = new AtomicLong();

  Authenticator(List<TokenGrant> grants, ServiceMetrics metrics) {
    this.metrics = metrics;
    this.enabled = !grants.isEmpty();
    this.byDigest = grants.stream().collect(Collectors.toUnmodifiableMap(g -> digest(g.token()),
        g -> new Principal(g.tenant(), g.role(), principalId(g.token())), (a, b) -> {
          throw new IllegalArgumentException("the same bearer token is configured twice");
        }));
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    if (open(call.getMethodDescriptor().getServiceName())) {
      return next.startCall(call, headers);
    }
    Principal principal;
    try {
      principal = authenticate(headers.get(AUTHORIZATION));
    } catch (ServiceException e) {
      ServiceRequestContext request = ServiceRequestContext.currentOrNull();
      refused(e, request == null ? call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR)
          : request.remoteAddress());
      call.close(Errors.status(e), Errors.trailers(e));
      return new ServerCall.Listener<>() { };
    }
    return Contexts.interceptCall(Context.current().withValue(Principal.KEY, principal), call, headers, next);
  }

  /*
   * The standard gRPC health check and server reflection answer without a token, as /health does: probes and tools
   * (grpcurl, Kubernetes gRPC probes) send none. They read no tenant's data: readiness, and the published schema.
   */
  static boolean open(String service) {
    return service != null && (service.startsWith("grpc.health.v1.") || service.startsWith("grpc.reflection."));
  }

  Principal authenticate(String header) {
    if (!enabled) {
      return OPEN;
    }
    if (header == null || header.isBlank()) {
      throw unauthenticated("missing bearer token: send the header 'authorization: Bearer <token>'");
    }
    if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw unauthenticated("the authorization header must be 'Bearer <token>'");
    }
    Principal principal = byDigest.get(digest(header.substring(7).trim()));
    if (principal == null) {
      throw unauthenticated("unknown bearer token");
    }
    return principal;
  }

  /*
   * A refused token is counted (holdfast.server.auth.failures) and logged at WARN with the caller's address, at most
   * once a second with the number left unlogged in between, so a client retrying a wrong token cannot flood the log.
   * The token itself is never logged.
   */
  void refused(ServiceException e, java.net.SocketAddress from) {
    metrics.authFailure();
    long now = System.nanoTime();
    long last = lastLogged.get();
    if (now - last < LOG_EVERY_NANOS || !lastLogged.compareAndSet(last, now)) {
      unlogged.incrementAndGet();
      return;
    }
    long more = unlogged.getAndSet(0);
    log.warn("refused a call from {}: {}{}", from == null ? "an unknown address" : from, e.getMessage(),
        more == 0 ? "" : " (and " + more + " more refused calls in the last second or more)");
  }

  /** Fails unless the caller is an admin of its tenant. */
  static void requireAdmin(Principal principal, String what) {
    if (!principal.isAdmin()) {
      throw new ServiceException(ErrorCode.PERMISSION_DENIED, Reason.FORBIDDEN,
          what + " needs the admin role; this token of tenant '" + principal.tenant() + "' has role client");
    }
  }

  /**
   * The id a session records for the token that opened it: 16 hex digits of a digest separate from the lookup
   * digest, so the id kept in Redis and logs is neither the secret nor the key the secret is found by.
   */
  static String principalId(String token) {
    return digest("holdfast-principal:" + token).substring(0, 16);
  }

  private static ServiceException unauthenticated(String message) {
    return new ServiceException(ErrorCode.PERMISSION_DENIED, Reason.UNAUTHENTICATED, message);
  }

  private static String digest(String token) {
    return HexFormat.of().formatHex(SHA_256.get().digest(token.getBytes(StandardCharsets.UTF_8)));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform provides SHA-256", e);
    }
  }
}
