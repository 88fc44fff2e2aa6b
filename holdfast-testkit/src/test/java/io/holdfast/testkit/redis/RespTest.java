package io.holdfast.testkit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The RESP2 encoding and decoding behind {@link RedisServer#command}, against byte arrays. */
class RespTest {

  @Test
  void write_commandWithEmptyAndUnicodeArguments_encodesBulkStringsByByteLength() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    Resp.write(out, "SET", "k", "", "é");

    assertThat(out.toString(StandardCharsets.UTF_8))
        .isEqualTo("*4\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n$2\r\né\r\n");
  }

  @Test
  void read_simpleString_returnsString() throws IOException {
    assertThat(read("+PONG\r\n")).isEqualTo("PONG");
  }

  @Test
  void read_integer_returnsLong() throws IOException {
    assertThat(read(":-42\r\n")).isEqualTo(-42L);
  }

  @Test
  void read_bulkStringContainingCrlf_returnsWholeString() throws IOException {
    assertThat(read("$7\r\na\r\nb\r\nc\r\n")).isEqualTo("a\r\nb\r\nc");
  }

  @Test
  void read_nullBulkAndNullArray_returnNull() throws IOException {
    assertThat(read("$-1\r\n")).isNull();
    assertThat(read("*-1\r\n")).isNull();
  }

  @Test
  void read_nestedArrayWithError_keepsErrorAsElement() throws IOException {
    Object reply = read("*3\r\n:1\r\n*1\r\n+OK\r\n-WRONGTYPE Operation against a key\r\n");

    assertThat(reply).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
        .hasSize(3)
        .startsWith(1L, List.of("OK"));
    assertThat(((List<?>) reply).get(2)).isInstanceOfSatisfying(RedisReplyException.class,
        e -> assertThat(e.prefix()).isEqualTo("WRONGTYPE"));
  }

  @Test
  void read_errorLine_returnsExceptionWithPrefix() throws IOException {
    assertThat(read("-ERR unknown command 'FOO'\r\n")).isInstanceOfSatisfying(RedisReplyException.class, e -> {
      assertThat(e.prefix()).isEqualTo("ERR");
      assertThat(e).hasMessage("ERR unknown command 'FOO'");
    });
  }

  @Test
  void read_truncatedBulkString_throwsEof() {
    assertThatThrownBy(() -> read("$10\r\nabc")).isInstanceOf(EOFException.class);
  }

  @Test
  void read_unknownType_throwsNamingIt() {
    assertThatThrownBy(() -> read("%1\r\n")).isInstanceOf(IOException.class).hasMessageContaining("'%'");
  }

  @Test
  void parseInfo_infoReply_skipsHeadersAndKeepsValuesWithColons() {
    String reply = "# Server\r\nredis_version:7.0.15\r\nexecutable:/usr/bin/redis-server\r\n\r\n"
        + "# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\n";

    assertThat(Resp.parseInfo(reply))
        .containsEntry("redis_version", "7.0.15")
        .containsEntry("db0", "keys=1,expires=0,avg_ttl=0")
        .hasSize(3);
  }

  private static Object read(String wire) throws IOException {
    return Resp.read(new ByteArrayInputStream(wire.getBytes(StandardCharsets.UTF_8)));
  }
}
