package io.holdfast.server;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.grpc.Status;
import io.holdfast.api.v1.AcquireRequest;
import io.holdfast.api.v1.CloseSessionRequest;
import io.holdfast.api.v1.ForceReleaseRequest;
import io.holdfast.api.v1.KeepAliveRequest;
import io.holdfast.api.v1.OpenSessionRequest;
import io.holdfast.api.v1.ReleaseRequest;
import io.holdfast.api.v1.RenewRequest;
import io.holdfast.api.v1.Reason;
import java.util.Map;

/*
 * Checks the JSON body of every HTTP/JSON POST strictly before the transcoder sees it. The transcoder ignores
 * unknown fields and answers a syntax error with a bare "400 Bad Request"; for a lock service a misspelt field
 * ("tllMs") silently taking its default is worse than an error. So the body is parsed here with protobuf's
 * strict JSON parser against the method's request type, and a failure is answered as every other error is:
 * INVALID_ARGUMENT with the parser's message (which names the field or position). The body is then passed on
 * unchanged, labelled as JSON (so that `curl -d`, which says form-encoded, works). Stateless; the parser is
 * immutable.
 */
final class JsonRequestCheck implements DecoratingHttpServiceFunction {
  private static final JsonFormat.Parser STRICT = JsonFormat.parser();
  private static final Map<String, Message> BODIES = Map.of(
      "/v1/sessions/open", OpenSessionRequest.getDefaultInstance(),
      "/v1/sessions/keepalive", KeepAliveRequest.getDefaultInstance(),
      "/v1/sessions/close", CloseSessionRequest.getDefaultInstance(),
      "/v1/locks/acquire", AcquireRequest.getDefaultInstance(),
      "/v1/locks/try-acquire", AcquireRequest.getDefaultInstance(),
      "/v1/locks/release", ReleaseRequest.getDefaultInstance(),
      "/v1/locks/renew", RenewRequest.getDefaultInstance(),
      "/v1/admin/force-release", ForceReleaseRequest.getDefaultInstance());

  @Override
  public HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req) throws Exception {
    Message prototype = BODIES.get(ctx.path());
    if (prototype == null || req.method() != HttpMethod.POST) {
      return delegate.serve(ctx, req);
    }
    return HttpResponse.of(req.aggregate().thenApply(body -> {
      String text = body.contentUtf8();
      try {
        STRICT.merge(text.isBlank() ? "{}" : text, prototype.newBuilderForType());
      } catch (InvalidProtocolBufferException | RuntimeException e) {
        return badJson(e.getMessage());
      }
      // The body is JSON, whatever the client said: curl -d sends form encoding, which the transcoder refuses.
      HttpRequest again = HttpRequest.of(req.headers().toBuilder().contentType(MediaType.JSON_UTF_8).build(),
          HttpData.ofUtf8(text));
      ctx.updateRequest(again);
      try {
        return delegate.serve(ctx, again);
      } catch (Exception e) {
        return HttpResponse.ofFailure(e);
      }
    }));
  }

  private static HttpResponse badJson(String detail) {
    String message = "request body is not valid JSON for this call: " + (detail == null ? "parse error" : detail);
    String json = "{\"code\":" + Status.Code.INVALID_ARGUMENT.value() + ",\"grpc-code\":\"INVALID_ARGUMENT\","
        + "\"message\":" + quote(message) + ",\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\","
        + "\"reason\":\"" + Reason.BAD_REQUEST.name() + "\",\"domain\":\"" + Errors.DOMAIN + "\","
        + "\"metadata\":{\"error_code\":\"INVALID_ARGUMENT\"}}]}";
    return HttpResponse.of(HttpStatus.BAD_REQUEST, MediaType.JSON_UTF_8, json);
  }

  /** {@code text} as a JSON string literal. */
  static String quote(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }
}
