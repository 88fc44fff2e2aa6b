package io.holdfast.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import com.linecorp.armeria.client.grpc.GrpcClients;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.holdfast.api.v1.CallStreamGrpc;
import io.holdfast.api.v1.StreamCall;
import io.holdfast.api.v1.StreamReply;
import io.holdfast.api.v1.AcquireRequest;
import io.holdfast.api.v1.AcquireResponse;
import io.holdfast.api.v1.CloseSessionRequest;
import io.holdfast.api.v1.InspectRequest;
import io.holdfast.api.v1.KeepAliveRequest;
import io.holdfast.api.v1.LeaseRenewal;
import io.holdfast.api.v1.ListLocksRequest;
import io.holdfast.api.v1.ListWaitersRequest;
import io.holdfast.api.v1.LockInfo;
import io.holdfast.api.v1.ReleaseRequest;
import io.holdfast.api.v1.RenewRequest;
import io.holdfast.testkit.redis.RedisExtension;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A session belongs to the token that opened it, over the wire: every operation that takes a session id x every
 * kind of caller x gRPC and HTTP/JSON. A client token opens a session and takes a lock through instance A; the
 * caller acts through instance B (which has never seen the session, so nothing is taken from its cache) with the
 * session id, owner and fencing token a listing would show. Only the opener and an admin of the tenant succeed;
 * another client token of the tenant is PERMISSION_DENIED, another tenant's finds no such session, and a refused
 * call changes nothing.
 */
class SessionOwnershipIT {
  static final String CLIENT = "acme-client-a-token-01";
  static final String OTHER_CLIENT = "acme-client-b-token-01";
  static final String ADMIN = "acme-admin-token-00001";
  static final String OTHER_TENANT = "globex-client-token-01";
  private static final long LEASE_MS = 5_000;

  @RegisterExtension
  static RedisExtension redis = new RedisExtension();

  private static HoldfastServer first;
  private static HoldfastServer second;

  enum Operation { ACQUIRE, RELEASE, RENEW, KEEP_ALIVE, CLOSE }

  enum Transport { GRPC, HTTP }

  @BeforeAll
  static void start() {
    first = HoldfastServer.start(config());
    second = HoldfastServer.start(config());
  }

  private static ServerConfig config() {
    return ServerConfig.builder().port(0).redis(URI.create(redis.uri()))
        .token(TokenGrant.parse(CLIENT + ":acme:client")).token(TokenGrant.parse(OTHER_CLIENT + ":acme:client"))
        .token(TokenGrant.parse(ADMIN + ":acme:admin")).token(TokenGrant.parse(OTHER_TENANT + ":globex:client"))
        .shutdownGrace(Duration.ofSeconds(1)).build();
  }

  @AfterAll
  static void stop() {
    first.close();
    second.close();
  }

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (Operation operation : Operation.values()) {
      for (Transport transport : Transport.values()) {
        out.add(Arguments.of(operation, transport, CLIENT, "OK"));
        out.add(Arguments.of(operation, transport, ADMIN, "OK"));
        out.add(Arguments.of(operation, transport, OTHER_CLIENT, "PERMISSION_DENIED"));
        out.add(Arguments.of(operation, transport, OTHER_TENANT, "FAILED_PRECONDITION"));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} over {1} by {2}: {3}")
  @MethodSource("cases")
  void operationOnASession_byEachKindOfCaller_onlyOpenerAndAdminSucceed(Operation operation, Transport transport,
      String token, String expected) {
    TestStubs owner = new TestStubs(first, CLIENT);
    String session = owner.openSession(60_000);
    String name = "owned/" + UUID.randomUUID();
    AcquireResponse held = owner.locks.acquire(AcquireRequest.newBuilder().setSessionId(session).setName(name)
        .setLeaseTtlMs(LEASE_MS).build());

    String outcome = call(new TestStubs(second, token), transport, request(operation, session, name, held));

    assertThat(outcome).isEqualTo(expected);
    LockInfo after = new TestStubs(first, ADMIN).locks.inspect(InspectRequest.newBuilder().setName(name).build());
    if (!expected.equals("OK")) {
      assertThat(after.getHeld()).isTrue();
      assertThat(after.getFencingToken()).isEqualTo(held.getFencingToken());
      assertThat(after.getHoldCount()).isEqualTo(1);
      assertThat(after.getRemainingMs()).as("not renewed").isLessThanOrEqualTo(LEASE_MS);
      assertThat(call(owner, transport, CloseSessionRequest.newBuilder().setSessionId(session).build()))
          .as("the session is still its opener's").isEqualTo("OK");
      return;
    }
    switch (operation) {
      case ACQUIRE -> assertThat(after.getHoldCount()).isEqualTo(2);
      case RELEASE, CLOSE -> assertThat(after.getHeld()).isFalse();
      case RENEW, KEEP_ALIVE -> assertThat(after.getRemainingMs()).isGreaterThan(LEASE_MS);
    }
  }

  @Test
  void callStream_otherClientsReleaseAndKeepAlive_permissionDeniedAndTheStreamStaysOpen() throws Exception {
    TestStubs owner = new TestStubs(first, CLIENT);
    String session = owner.openSession(60_000);
    String name = "owned/" + UUID.randomUUID();
    AcquireResponse held = owner.locks.acquire(AcquireRequest.newBuilder().setSessionId(session).setName(name)
        .build());
    CompletableFuture<StreamReply> released = new CompletableFuture<>();
    CompletableFuture<StreamReply> kept = new CompletableFuture<>();
    StreamObserver<StreamCall> calls = GrpcClients.builder("http://127.0.0.1:" + second.port())
        .addHeader("authorization", "Bearer " + OTHER_CLIENT).responseTimeout(Duration.ZERO)
        .build(CallStreamGrpc.CallStreamStub.class).calls(new StreamObserver<>() {
          @Override
          public void onNext(StreamReply reply) {
            (reply.getCallId() == 1 ? released : kept).complete(reply);
          }

          @Override
          public void onError(Throwable failure) {
            released.completeExceptionally(failure);
            kept.completeExceptionally(failure);
          }

          @Override
          public void onCompleted() { }
        });
    calls.onNext(StreamCall.newBuilder().setCallId(1).setRelease(ReleaseRequest.newBuilder().setSessionId(session)
        .setName(name).setFencingToken(held.getFencingToken())).build());
    assertThat(released.get(10, TimeUnit.SECONDS).getError().getCode())
        .isEqualTo(Status.Code.PERMISSION_DENIED.value());
    calls.onNext(StreamCall.newBuilder().setCallId(2).setKeepAlive(KeepAliveRequest.newBuilder()
        .setSessionId(session)).build());
    assertThat(kept.get(10, TimeUnit.SECONDS).getError().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED.value());
    calls.onCompleted();
    assertThat(owner.locks.inspect(InspectRequest.newBuilder().setName(name).build()).getFencingToken())
        .isEqualTo(held.getFencingToken());
  }

  @Test
  void anotherClientsOwnSession_listedOwnerAndToken_notOwnerAndBusy() {
    TestStubs owner = new TestStubs(first, CLIENT);
    TestStubs intruder = new TestStubs(second, OTHER_CLIENT);
    String victim = owner.openSession(60_000);
    String name = "owned/" + UUID.randomUUID();
    AcquireResponse held = owner.locks.acquire(AcquireRequest.newBuilder().setSessionId(victim).setName(name)
        .build());
    String own = intruder.openSession(60_000);

    for (Transport transport : Transport.values()) {
      assertThat(call(intruder, transport, ReleaseRequest.newBuilder().setSessionId(own).setName(name)
          .setOwner(victim).setFencingToken(held.getFencingToken()).build())).isEqualTo("FAILED_PRECONDITION");
    }
    AcquireResponse reentry = intruder.locks.tryAcquire(AcquireRequest.newBuilder().setSessionId(own)
        .setName(name).setOwner(victim).build());
    assertThat(reentry.getAcquired()).as("the victim's owner in another session is another owner").isFalse();
    assertThat(owner.locks.inspect(InspectRequest.newBuilder().setName(name).build()).getHoldCount()).isEqualTo(1);
  }

  @Test
  void listings_clientToken_noOwnerTokens_adminSeesThem() {
    TestStubs owner = new TestStubs(first, CLIENT);
    String holder = owner.openSession(60_000);
    String waiter = owner.openSession(60_000);
    String prefix = "listed-" + UUID.randomUUID() + "/";
    owner.locks.acquire(AcquireRequest.newBuilder().setSessionId(holder).setName(prefix + "a").build());
    owner.locks.tryAcquire(AcquireRequest.newBuilder().setSessionId(waiter).setName(prefix + "a")
        .setOwner("waiting-owner").setWaiterHintMs(30_000).build());

    for (String token : List.of(CLIENT, OTHER_CLIENT)) {
      TestStubs client = new TestStubs(second, token);
      assertThat(client.admin.listLocks(ListLocksRequest.newBuilder().setPrefix(prefix).build()).getLocksList())
          .singleElement().satisfies(lock -> {
            assertThat(lock.getOwner()).isEmpty();
            assertThat(lock.getSessionId()).isEqualTo(holder);
          });
      assertThat(client.admin.listWaiters(ListWaitersRequest.newBuilder().setName(prefix + "a").build())
          .getWaitersList()).singleElement().satisfies(w -> assertThat(w.getOwner()).isEmpty());
      assertThat(client.get("/v1/admin/locks?prefix=" + prefix).body()).contains("\"owner\":\"\"")
          .doesNotContain("\"owner\":\"" + holder + "\"");
    }
    TestStubs admin = new TestStubs(second, ADMIN);
    assertThat(admin.admin.listLocks(ListLocksRequest.newBuilder().setPrefix(prefix).build()).getLocks(0)
        .getOwner()).isEqualTo(holder);
    assertThat(admin.admin.listWaiters(ListWaitersRequest.newBuilder().setName(prefix + "a").build())
        .getWaiters(0).getOwner()).isEqualTo("waiting-owner");
  }

  private static Message request(Operation operation, String session, String name, AcquireResponse held) {
    long token = held.getFencingToken();
    return switch (operation) {
      case ACQUIRE -> AcquireRequest.newBuilder().setSessionId(session).setName(name).setLeaseTtlMs(LEASE_MS)
          .build();
      case RELEASE -> ReleaseRequest.newBuilder().setSessionId(session).setName(name).setFencingToken(token).build();
      case RENEW -> RenewRequest.newBuilder().setSessionId(session).setName(name).setFencingToken(token)
          .setLeaseTtlMs(60_000).build();
      case KEEP_ALIVE -> KeepAliveRequest.newBuilder().setSessionId(session).addRenewals(LeaseRenewal.newBuilder()
          .setName(name).setOwner(session).setFencingToken(token).setLeaseTtlMs(60_000)).build();
      case CLOSE -> CloseSessionRequest.newBuilder().setSessionId(session).build();
    };
  }

  /** Sends the request; answers "OK" or the gRPC status code's name (HTTP: the error body's grpc-code). */
  private static String call(TestStubs caller, Transport transport, Message request) {
    if (transport == Transport.HTTP) {
      HttpResponse<String> response = caller.post(path(request), json(request));
      if (response.statusCode() == 200) {
        return "OK";
      }
      Matcher code = Pattern.compile("\"grpc-code\":\"([A-Z_]+)\"").matcher(response.body());
      assertThat(code.find()).as(response.body()).isTrue();
      return code.group(1);
    }
    try {
      if (request instanceof AcquireRequest r) {
        caller.locks.acquire(r);
      } else if (request instanceof ReleaseRequest r) {
        caller.locks.release(r);
      } else if (request instanceof RenewRequest r) {
        caller.locks.renew(r);
      } else if (request instanceof KeepAliveRequest r) {
        caller.sessions.keepAlive(r);
      } else {
        caller.sessions.closeSession((CloseSessionRequest) request);
      }
      return "OK";
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode().name();
    }
  }

  private static String path(Message request) {
    if (request instanceof AcquireRequest) {
      return "/v1/locks/acquire";
    } else if (request instanceof ReleaseRequest) {
      return "/v1/locks/release";
    } else if (request instanceof RenewRequest) {
      return "/v1/locks/renew";
    } else if (request instanceof KeepAliveRequest) {
      return "/v1/sessions/keepalive";
    }
    return "/v1/sessions/close";
  }

  private static String json(Message request) {
    try {
      return JsonFormat.printer().print(request);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }
}
