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
import io.holdfast.api.v1.AcquireRequest;
import io.holdfast.api.v1.CloseSessionRequest;
import io.holdfast.api.v1.ForceReleaseRequest;
import io.holdfast.api.v1.KeepAliveRequest;
import io.holdfast.api.v1.OpenSessionRequest;
import io.holdfast.api.v1.ReleaseRequest;
import io.holdfast.api.v1.RenewRequest;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Pattern;

/*
 * Checks every HTTP/JSON request strictly before the transcoder sees it, because the transcoder is lenient in ways
 * a lock service cannot be: it ignores unknown fields (a misspelt "tllMs" would silently take its default), takes
 * 123 for a string, decodes bytes that are not UTF-8 and lone U+D800 escapes into replacement characters (so two
 * different names would become one lock), and answers a syntax error with a bare 400. Here the body must be UTF-8
 * (decoded strictly), pass JsonShape (strict syntax, the proto's JSON types, valid Unicode) and then protobuf's
 * strict JSON parser against the method's request type; the query string of a view must percent-decode to UTF-8.
 * A failure is answered as every other error is: INVALID_ARGUMENT with a message naming the field or position and
 * no implementation names. The body is then passed on unchanged, labelled as JSON (so that `curl -d`, which says
 * form-encoded, works). Stateless; the parser is immutable.
 */
final class JsonRequestCheck implements DecoratingHttpServiceFunction {
  private static final JsonFormat.Parser STRICT = JsonFormat.parser();
  private static final Pattern IMPLEMENTATION_NAME = Pattern.compile(
      "\\b(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?:Exception|Error)\\b:?\\s*");
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
    if (ctx.query() != null) {
      try {
        query(ctx.query());
      } catch (ServiceException e) {
        return refused(e);
      }
    }
    Message prototype = BODIES.get(ctx.path());
    if (prototype == null || req.method() != HttpMethod.POST) {
      return delegate.serve(ctx, req);
    }
    return HttpResponse.of(req.aggregate().thenApply(body -> {
      String text;
      try {
        text = body(body.content().array(), prototype);
      } catch (ServiceException e) {
        return refused(e);
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

  /** The body as text, once it passed every check; else the INVALID_ARGUMENT that says why. */
  private static String body(byte[] bytes, Message prototype) {
    String text = utf8(bytes, "request body");
    JsonShape.check(text.isBlank() ? "{}" : text, prototype.getDescriptorForType());
    try {
      STRICT.merge(text.isBlank() ? "{}" : text, prototype.newBuilderForType());
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      String detail = e.getMessage() == null ? "" : IMPLEMENTATION_NAME.matcher(e.getMessage()).replaceAll("");
      throw ServiceException.badRequest("request body is not valid JSON for this call"
          + (detail.isBlank() ? "" : ": " + detail));
    }
    return text;
  }

  /** Every query parameter must percent-decode to UTF-8; the transcoder would put U+FFFD for what does not. */
  private static void query(String raw) {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%' && i + 2 < raw.length() && HexFormat.isHexDigit(raw.charAt(i + 1))
          && HexFormat.isHexDigit(raw.charAt(i + 2))) {
        bytes.write(HexFormat.fromHexDigits(raw, i + 1, i + 3));
        i += 2;
      } else if (c == '&' || c == '=') {
        utf8(bytes.toByteArray(), "query parameter");
        bytes.reset();
      } else {
        bytes.write(c);
      }
    }
    utf8(bytes.toByteArray(), "query parameter");
  }

  /** Decodes strictly: malformed UTF-8 (bad bytes, encoded surrogates, overlong forms) is refused, not replaced. */
  private static String utf8(byte[] bytes, String what) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw ServiceException.badRequest(what + " is not valid UTF-8 (percent-escapes and bytes must encode"
          + " Unicode characters; nothing is replaced)");
    }
  }

  private static HttpResponse refused(ServiceException e) {
    return HttpResponse.of(HttpStatus.BAD_REQUEST, MediaType.JSON_UTF_8, WireErrors.json(Errors.toStatus(e)));
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
