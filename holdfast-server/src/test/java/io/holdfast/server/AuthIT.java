package io.holdfast.server;

import static io.holdfast.server.TestStubs.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.linecorp.armeria.internal.common.util.SelfSignedCertificate;
import io.grpc.Status;
import io.holdfast.Holdfast;
import io.holdfast.HoldfastException;
import io.holdfast.Lease;
import io.holdfast.api.v1.AcquireRequest;
import io.holdfast.api.v1.AcquireResponse;
import io.holdfast.api.v1.ForceReleaseRequest;
import io.holdfast.api.v1.InspectRequest;
import io.holdfast.api.v1.ListLocksRequest;
import io.holdfast.api.v1.ListSessionsRequest;
import io.holdfast.api.v1.ReleaseRequest;
import io.holdfast.testkit.redis.RedisExtension;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Bearer tokens, roles and tenants, over gRPC and HTTP; and TLS with a certificate the client is told to trust. */
class AuthIT {
  static final String CLIENT = "acme-client-token-0001";
  static final String ADMIN = "acme-admin-token-00001";
  static final String OTHER = "globex-client-token-01";

  @RegisterExtension
  static RedisExtension redis = new RedisExtension();

  private static HoldfastServer server;

  @BeforeAll
  static void start() {
    server = HoldfastServer.start(ServerConfig.builder().port(0).redis(URI.create(redis.uri()))
        .token(TokenGrant.parse(CLIENT + ":acme:client")).token(TokenGrant.parse(ADMIN + ":acme:admin"))
        .token(TokenGrant.parse(OTHER + ":globex:client")).shutdownGrace(Duration.ofSeconds(1)).build());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void missingOrWrongToken_anyCall_unauthenticated() {
    Status none = failure(() -> new TestStubs(server, null).openSession(0));
    assertThat(none.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(none.getDescription()).contains("missing bearer token");
    Status wrong = failure(() -> new TestStubs(server, "not-a-configured-token").openSession(0));
    assertThat(wrong.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(wrong.getDescription()).isEqualTo("unknown bearer token");
    assertThat(new TestStubs(server, null).post("/v1/sessions/open", "{}").statusCode()).isEqualTo(401);
    assertThat(new TestStubs(server, "nope").get("/v1/admin/locks").statusCode()).isEqualTo(401);
    assertThat(new TestStubs(server, null).get("/health").statusCode()).as("health needs no token").isEqualTo(200);
    assertThat(new TestStubs(server, null).get("/metrics").body()).as("refused calls counted")
        .containsPattern("holdfast_server_auth_failures_total [4-9]");
  }

  @Test
  void otherTenant_sameName_cannotSeeReleaseOrBlockTheLock() {
    TestStubs acme = new TestStubs(server, CLIENT);
    TestStubs globex = new TestStubs(server, OTHER);
    String name = "orders/" + UUID.randomUUID();
    String acmeSession = acme.openSession(0);
    AcquireResponse held = acme.locks.acquire(AcquireRequest.newBuilder().setSessionId(acmeSession).setName(name)
        .build());
    assertThat(globex.locks.inspect(InspectRequest.newBuilder().setName(name).build()).getHeld()).isFalse();
    assertThat(globex.admin.listLocks(ListLocksRequest.getDefaultInstance()).getLocksList()).isEmpty();
    assertThat(globex.admin.listSessions(ListSessionsRequest.getDefaultInstance()).getSessionsList()).isEmpty();
    Status stolenSession = failure(() -> globex.locks.release(ReleaseRequest.newBuilder().setSessionId(acmeSession)
        .setName(name).setOwner(acmeSession).setFencingToken(held.getFencingToken()).build()));
    assertThat(stolenSession.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(stolenSession.getDescription()).contains("unknown to this tenant");
    String globexSession = globex.openSession(0);
    AcquireResponse theirs = globex.locks.acquire(AcquireRequest.newBuilder().setSessionId(globexSession)
        .setName(name).build());
    assertThat(theirs.getAcquired()).as("a separate namespace: not blocked by acme's lock").isTrue();
    assertThat(acme.locks.inspect(InspectRequest.newBuilder().setName(name).build()).getFencingToken())
        .isEqualTo(held.getFencingToken());
  }

  @Test
  void forceRelease_clientRoleRefused_adminRoleFencesOldHolder() {
    TestStubs client = new TestStubs(server, CLIENT);
    TestStubs admin = new TestStubs(server, ADMIN);
    String name = "jobs/" + UUID.randomUUID();
    String session = client.openSession(0);
    AcquireResponse held = client.locks.acquire(AcquireRequest.newBuilder().setSessionId(session).setName(name)
        .build());
    Status refused = failure(() -> client.admin.forceRelease(ForceReleaseRequest.newBuilder().setName(name).build()));
    assertThat(refused.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(refused.getDescription()).contains("needs the admin role");
    assertThat(client.locks.inspect(InspectRequest.newBuilder().setName(name).build()).getHeld()).isTrue();
    assertThat(admin.admin.forceRelease(ForceReleaseRequest.newBuilder().setName(name).build()).getReleased())
        .isTrue();
    Status oldRelease = failure(() -> client.locks.release(ReleaseRequest.newBuilder().setSessionId(session)
        .setName(name).setFencingToken(held.getFencingToken()).build()));
    assertThat(oldRelease.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    AcquireResponse next = client.locks.acquire(AcquireRequest.newBuilder().setSessionId(client.openSession(0))
        .setName(name).build());
    assertThat(next.getFencingToken()).isGreaterThan(held.getFencingToken());
  }

  @Test
  void javaClient_tokenInUri_worksAndWrongTokenIsPermissionDenied() {
    try (Holdfast holdfast = Holdfast.connect("holdfast://" + CLIENT + "@127.0.0.1:" + server.port());
         Lease lease = holdfast.acquire("java/" + UUID.randomUUID(), Duration.ofSeconds(5))) {
      assertThat(lease.isValid()).isTrue();
    }
    try (Holdfast wrong = Holdfast.connect("holdfast://wrong-token-000000000@127.0.0.1:" + server.port())) {
      assertThatThrownBy(() -> wrong.acquire("java/x", Duration.ofSeconds(5)))
          .isInstanceOf(HoldfastException.class)
          .satisfies(e -> assertThat(((HoldfastException) e).code())
              .isEqualTo(io.holdfast.ErrorCode.PERMISSION_DENIED));
    }
  }

  @Test
  void tls_clientTrustsServerCertificate_acquiresOverHoldfasts() throws Exception {
    SelfSignedCertificate certificate = new SelfSignedCertificate("localhost");
    try (HoldfastServer tls = HoldfastServer.start(ServerConfig.builder().port(0).redis(URI.create(redis.uri()))
        .tls(certificate.certificate().toPath(), certificate.privateKey().toPath())
        .token(TokenGrant.parse(CLIENT + ":acme:client")).shutdownGrace(Duration.ofSeconds(1)).build());
         Holdfast holdfast = Holdfast.connect("holdfasts://" + CLIENT + "@localhost:" + tls.port() + "?ca="
             + certificate.certificate().getAbsolutePath());
         Lease lease = holdfast.acquire("tls/" + UUID.randomUUID(), Duration.ofSeconds(5))) {
      assertThat(tls.uri().getScheme()).isEqualTo("holdfasts");
      assertThat(lease.fencingToken().value()).isPositive();
    } finally {
      certificate.delete();
    }
  }
}
