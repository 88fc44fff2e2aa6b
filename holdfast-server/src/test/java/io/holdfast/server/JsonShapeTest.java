package io.holdfast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.holdfast.ErrorCode;
import io.holdfast.api.v1.AcquireRequest;
import io.holdfast.api.v1.KeepAliveRequest;
import org.junit.jupiter.api.Test;

class JsonShapeTest {
  private static void refused(String json, String message) {
    assertThatThrownBy(() -> JsonShape.check(json, KeepAliveRequest.getDescriptor()))
        .isInstanceOf(ServiceException.class).hasMessage(message)
        .satisfies(e -> assertThat(((ServiceException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
  }

  @Test
  void check_fieldsOfTheProtosJsonTypes_accepted() {
    assertThat(JsonShape.check("{\"session_id\":\"s\",\"renewals\":[{\"name\":\"a/\\ud83d\\udd12\",\"fencingToken\":\"7\","
        + "\"leaseTtlMs\":500}],\"unknown\":[1]}", KeepAliveRequest.getDescriptor()).size()).isEqualTo(3);
    assertThat(JsonShape.check("{\"name\":null,\"waitTimeoutMs\":\"100\"}", AcquireRequest.getDescriptor())).isNotNull();
  }

  @Test
  void check_valueOfAnotherType_namesTheFieldAndBothTypes() {
    refused("{\"sessionId\":123}", "field 'sessionId' must be a JSON string, was a number");
    refused("{\"sessionId\":[\"a\"]}", "field 'sessionId' must be a JSON string, was an array");
    refused("{\"renewals\":{}}", "field 'renewals' must be a JSON array, was an object");
    refused("{\"renewals\":[{\"fencingToken\":true}]}",
        "field 'renewals[0].fencingToken' must be a JSON number (or a decimal string), was a boolean");
    refused("[1]", "request body must be a JSON object, was an array");
  }

  @Test
  void check_loneSurrogateEscape_refusedNamingTheField() {
    refused("{\"renewals\":[{\"name\":\"a\\ud800b\"}]}", "field 'renewals[0].name' is not valid Unicode: a lone"
        + " surrogate U+D800 at character 1 (a \\u escape without its pair)");
    refused("{\"sessionId\":\"\\udc00\"}", "field 'sessionId' is not valid Unicode: a lone surrogate U+DC00 at"
        + " character 0 (a \\u escape without its pair)");
  }

  @Test
  void check_malformedOrDeepJson_positionOnlyNoParserNames() {
    refused("{\"sessionId\": ", "request body is not valid JSON (at line 1 column 15)");
    refused("{'sessionId':'x'}", "request body is not valid JSON (at line 1 column 3)");
    refused("{} {}", "request body is not valid JSON (at line 1 column 5)");
    refused("[".repeat(10_000), "request body nests deeper than 16 levels");
    refused("{\"sessionId\":\"a\u0000b\"}", "request body is not valid JSON: control character U+0000 inside a"
        + " string at character 15 (JSON needs it escaped)");
  }
}
