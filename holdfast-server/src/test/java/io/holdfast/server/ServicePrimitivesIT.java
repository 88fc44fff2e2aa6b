package io.holdfast.server;

import static io.holdfast.server.TestStubs.failure;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import com.linecorp.armeria.client.grpc.GrpcClients;
import io.grpc.Status;
import io.holdfast.Holdfast;
import io.holdfast.Lease;
import io.holdfast.ReadWriteLock;
import io.holdfast.api.v1.AcquireResponse;
import io.holdfast.api.v1.HolderKind;
import io.holdfast.api.v1.HolderReleaseRequest;
import io.holdfast.api.v1.HolderRenewRequest;
import io.holdfast.api.v1.LeaseRenewal;
import io.holdfast.api.v1.PrimitiveServiceGrpc;
import io.holdfast.api.v1.ReleaseResponse;
import io.holdfast.testkit.redis.RedisExtension;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the service adds to the library's read/write lock and semaphore (docs/server.md): names scoped to the
 * token's tenant, holds scoped to the token that took them, and the HTTP/JSON face of PrimitiveService.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServicePrimitivesIT {
  private static final String ACME = "acme-client-token-prim1";
  private static final String ACME_OTHER = "acme-client-token-prim2";
  private static final String GLOBEX = "globex-client-token-prm";

  @RegisterExtension
  static RedisExtension redis = new RedisExtension();

  private static HoldfastServer server;

  @BeforeAll
  static void start() {
    server = HoldfastServer.start(ServerConfig.builder().port(0).redis(URI.create(redis.uri()))
        .token(TokenGrant.parse(ACME + ":acme:client")).token(TokenGrant.parse(ACME_OTHER + ":acme:client"))
        .token(TokenGrant.parse(GLOBEX + ":globex:client")).shutdownGrace(Duration.ofSeconds(1)).build());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static Holdfast client(String token) {
    return Holdfast.connect("holdfast://" + token + "@127.0.0.1:" + server.port());
  }

  private static PrimitiveServiceGrpc.PrimitiveServiceBlockingStub stub(String token) {
    return GrpcClients.builder("http://127.0.0.1:" + server.port()).addHeader("authorization", "Bearer " + token)
        .responseTimeout(Duration.ofSeconds(30)).build(PrimitiveServiceGrpc.PrimitiveServiceBlockingStub.class);
  }

  @Test
  void writeHold_releaseOrRenewByAnotherTokenOfTheTenant_notOwnerAndStillHeld() {
    String name = "prim/" + UUID.randomUUID();
    try (Holdfast holder = client(ACME); Holdfast other = client(ACME_OTHER)) {
      Lease write = holder.readWriteLock(name).writeLock().acquire(Duration.ofSeconds(30));
      HolderReleaseRequest release = HolderReleaseRequest.newBuilder().setKind(HolderKind.WRITE).setName(name)
          .setOwner(write.owner().value()).setFencingToken(write.fencingToken().value()).build();
      Status refused = failure(() -> stub(ACME_OTHER).releaseHolder(release));
      assertThat(refused.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
      assertThat(refused.getDescription()).contains("not held by owner " + write.owner().value());
      HolderRenewRequest renew = HolderRenewRequest.newBuilder().setKind(HolderKind.WRITE)
          .addRenewals(LeaseRenewal.newBuilder().setName(name).setOwner(write.owner().value())
              .setFencingToken(write.fencingToken().value()).setLeaseTtlMs(30_000)).build();
      assertThat(stub(ACME_OTHER).renewHolders(renew).getRenewedList()).containsExactly(false);
      assertThat(other.readWriteLock(name).readLock().tryAcquire(Duration.ofSeconds(5), Duration.ZERO))
          .as("the write hold is still held").isEmpty();
      write.release();
      assertThat(other.readWriteLock(name).readLock().tryAcquire(Duration.ofSeconds(5), Duration.ZERO)).isPresent();
    }
  }

  @Test
  void sameName_otherTenant_holdsApart() {
    String name = "prim/" + UUID.randomUUID();
    try (Holdfast acme = client(ACME); Holdfast globex = client(GLOBEX)) {
      ReadWriteLock acmeLock = acme.readWriteLock(name);
      Lease acmeWrite = acmeLock.writeLock().acquire(Duration.ofSeconds(30));
      Lease globexWrite = globex.readWriteLock(name).writeLock()
          .tryAcquire(Duration.ofSeconds(30), Duration.ZERO).orElseThrow();
      assertThat(acme.semaphore(name, 1).tryAcquire(Duration.ofSeconds(30), Duration.ZERO))
          .as("a semaphore's name is apart from a read/write lock's").isPresent();
      globexWrite.release();
      acmeWrite.release();
    }
  }

  @Test
  void permit_overJson_grantedBusyAndReleased() {
    String name = "prim/" + UUID.randomUUID();
    TestStubs http = new TestStubs(server, ACME);
    AcquireResponse first = ok(http.post("/v1/holders/acquire", "{\"kind\":\"PERMIT\",\"name\":\"" + name
        + "\",\"owner\":\"curl-1\",\"leaseTtlMs\":10000,\"permits\":1}"), AcquireResponse.getDefaultInstance());
    assertThat(first.getAcquired()).isTrue();
    assertThat(first.getHoldCount()).isEqualTo(1);
    AcquireResponse second = ok(http.post("/v1/holders/acquire", "{\"kind\":\"PERMIT\",\"name\":\"" + name
        + "\",\"owner\":\"curl-2\",\"leaseTtlMs\":10000,\"permits\":1}"), AcquireResponse.getDefaultInstance());
    assertThat(second.getAcquired()).isFalse();
    assertThat(second.getHolderRemainingMs()).isBetween(1L, 10_000L);
    ReleaseResponse released = ok(http.post("/v1/holders/release", "{\"kind\":\"PERMIT\",\"name\":\"" + name
        + "\",\"owner\":\"curl-1\",\"fencingToken\":\"" + first.getFencingToken() + "\"}"),
        ReleaseResponse.getDefaultInstance());
    assertThat(released.getRemainingHolds()).isZero();
    // HTTP/JSON prints every field, zero included (docs/server.md).
    assertThat(http.get("/v1/holders/permits?name=" + name).body()).isEqualTo("{\"held\":0}");
    assertThat(((List<?>) redis.server().command("KEYS", "*{acme/" + name + "}*"))).isEmpty();
  }

  @Test
  void acquire_badKindOrPermits_invalidArgument() {
    assertThat(http(ACME).post("/v1/holders/acquire", "{\"name\":\"x\",\"owner\":\"o\",\"leaseTtlMs\":10000}")
        .body()).contains("kind must be READ, WRITE or PERMIT");
    assertThat(http(ACME).post("/v1/holders/acquire", "{\"kind\":\"PERMIT\",\"name\":\"x\",\"owner\":\"o\","
        + "\"leaseTtlMs\":10000}").body()).contains("permits must be at least 1, was 0");
    assertThat(http(ACME).post("/v1/holders/acquire", "{\"kind\":\"READ\",\"name\":\"x\",\"owner\":\""
        + "o".repeat(PrimitiveServiceImpl.MAX_OWNER + 1) + "\",\"leaseTtlMs\":10000}").body())
        .contains("owner must be 1 to " + PrimitiveServiceImpl.MAX_OWNER + " characters");
  }

  private static TestStubs http(String token) {
    return new TestStubs(server, token);
  }

  @SuppressWarnings("unchecked")
  private static <M extends Message> M ok(HttpResponse<String> response, M type) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    Message.Builder into = type.newBuilderForType();
    try {
      JsonFormat.parser().merge(response.body(), into);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("not the documented JSON: " + response.body(), e);
    }
    return (M) into.build();
  }
}
