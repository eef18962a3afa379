package io.floe.control.runtime.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.floe.control.runtime.RuntimeThrottledException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a Flink REST call throws when a rate limiter in front of the JobManager turns it away: a
 * local HTTP server answers each path with one status and, for some, a Retry-After header.
 */
class FlinkHttpThrottlingTest {
  private HttpServer server;
  private FlinkHttp http;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    answer("/limited", 429, Optional.of("7"));
    answer("/limited-without-header", 429, Optional.empty());
    answer("/busy-with-header", 503, Optional.of("2"));
    answer("/leader-election", 503, Optional.empty());
    server.start();
    http =
        new FlinkHttp(
            URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
            Duration.ofSeconds(10));
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void a429IsThrottlingWithTheWaitTheServerAsked() {
    assertThatThrownBy(() -> http.get("/limited"))
        .isInstanceOfSatisfying(
            RuntimeThrottledException.class,
            e -> {
              assertThat(e).hasMessageContaining("HTTP 429").hasMessageContaining("slow down");
              assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
            });
    assertThatThrownBy(() -> http.get("/limited-without-header"))
        .isInstanceOfSatisfying(
            RuntimeThrottledException.class, e -> assertThat(e.retryAfter()).isEmpty());
  }

  @Test
  void a503IsThrottlingOnlyWithRetryAfter() {
    assertThatThrownBy(() -> http.get("/busy-with-header"))
        .isInstanceOfSatisfying(
            RuntimeThrottledException.class,
            e -> assertThat(e.retryAfter()).contains(Duration.ofSeconds(2)));
    assertThatThrownBy(() -> http.get("/leader-election"))
        .isInstanceOfSatisfying(
            FlinkUnavailableException.class,
            e -> assertThat(e.status()).isEqualTo(OptionalInt.of(503)));
  }

  private void answer(String path, int status, Optional<String> retryAfter) {
    server.createContext(
        path,
        exchange -> {
          byte[] body = "{\"errors\":[\"slow down\"]}".getBytes(StandardCharsets.UTF_8);
          retryAfter.ifPresent(value -> exchange.getResponseHeaders().set("Retry-After", value));
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(status, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
  }
}
