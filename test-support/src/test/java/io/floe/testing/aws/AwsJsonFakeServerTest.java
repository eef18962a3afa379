package io.floe.testing.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The protocol as seen on the wire, independent of any one service's fake. */
class AwsJsonFakeServerTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** A minimal service: echoes a required member, fails on demand. */
  private static final class EchoService implements AwsJsonService {
    @Override
    public String targetPrefix() {
      return "Echo_20240101";
    }

    @Override
    public Map<String, AwsJsonOperation> operations() {
      return Map.of(
          "Echo",
          input -> JsonNodeFactory.instance.objectNode().put("Said", input.requiredText("Say")),
          "Refuse",
          input -> {
            throw new AwsJsonError("ResourceInUseException", "busy");
          },
          "Crash",
          input -> {
            throw new IllegalStateException("a bug in the fake");
          });
    }
  }

  private static AwsJsonFakeServer server;

  @BeforeAll
  static void start() {
    server = AwsJsonFakeServer.start(new EchoService());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @BeforeEach
  void clearRequests() {
    server.clearRequests();
  }

  private static HttpResponse<String> post(String target, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(server.endpoint().resolve("/"))
            .header("Content-Type", "application/x-amz-json-1.1")
            .header(
                "Authorization",
                "AWS4-HMAC-SHA256 Credential=AKID/20250301/ap-southeast-2/echo/aws4_request,"
                    + " SignedHeaders=host;x-amz-date, Signature=abc")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (target != null) {
      request.header("X-Amz-Target", target);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response) throws IOException {
    return MAPPER.readTree(response.body());
  }

  @Test
  void listensOnLoopback() {
    URI endpoint = server.endpoint();

    assertThat(endpoint.getScheme()).isEqualTo("http");
    assertThat(endpoint.getHost()).isIn("127.0.0.1", "localhost");
    assertThat(endpoint.getPort()).isPositive();
  }

  @Test
  void routesByTargetAndAnswersInAwsJson() throws Exception {
    HttpResponse<String> response = post("Echo_20240101.Echo", "{\"Say\":\"hello\"}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .contains("application/x-amz-json-1.1");
    assertThat(response.headers().firstValue("x-amzn-RequestId")).isPresent();
    assertThat(json(response).get("Said").asText()).isEqualTo("hello");
  }

  @Test
  void rendersErrorsInTheAwsJsonErrorShape() throws Exception {
    HttpResponse<String> response = post("Echo_20240101.Refuse", "{}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.headers().firstValue("x-amzn-ErrorType"))
        .contains("ResourceInUseException");
    assertThat(json(response).get("__type").asText()).isEqualTo("ResourceInUseException");
    assertThat(json(response).get("message").asText()).isEqualTo("busy");
  }

  @Test
  void aMissingRequiredMemberIsAValidationException() throws Exception {
    HttpResponse<String> response = post("Echo_20240101.Echo", "{}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).get("__type").asText()).isEqualTo("ValidationException");
    assertThat(json(response).get("message").asText()).contains("'say'");
  }

  @Test
  void aMemberOfTheWrongTypeIsASerializationException() throws Exception {
    HttpResponse<String> response = post("Echo_20240101.Echo", "{\"Say\":42}");

    assertThat(json(response).get("__type").asText()).isEqualTo("SerializationException");
  }

  @Test
  void unknownTargetsAreUnknownOperations() throws Exception {
    assertThat(json(post("Echo_20240101.Shout", "{}")).get("__type").asText())
        .isEqualTo("UnknownOperationException");
    assertThat(json(post("Other_20240101.Echo", "{}")).get("__type").asText())
        .isEqualTo("UnknownOperationException");
    assertThat(json(post(null, "{}")).get("__type").asText())
        .isEqualTo("UnknownOperationException");
  }

  @Test
  void aBodyThatIsNotAJsonObjectIsASerializationException() throws Exception {
    assertThat(json(post("Echo_20240101.Echo", "{not json")).get("__type").asText())
        .isEqualTo("SerializationException");
    assertThat(json(post("Echo_20240101.Echo", "[1]")).get("__type").asText())
        .isEqualTo("SerializationException");
  }

  @Test
  void aBugInAFakeIsAnInternalFailure() throws Exception {
    HttpResponse<String> response = post("Echo_20240101.Crash", "{}");

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(json(response).get("__type").asText()).isEqualTo("InternalFailure");
    assertThat(json(response).get("message").asText()).contains("a bug in the fake");
  }

  @Test
  void recordsEveryRequestWithItsOutcome() throws Exception {
    post("Echo_20240101.Echo", "{\"Say\":\"hi\"}");
    post("Echo_20240101.Refuse", "{\"Why\":\"test\"}");

    assertThat(server.requests()).hasSize(2);
    ReceivedRequest echo = server.requests("Echo").get(0);
    assertThat(echo.target()).isEqualTo("Echo_20240101.Echo");
    assertThat(echo.body().get("Say").asText()).isEqualTo("hi");
    assertThat(echo.text("Say")).contains("hi");
    assertThat(echo.region()).contains("ap-southeast-2");
    assertThat(echo.httpStatus()).isEqualTo(200);
    assertThat(echo.receivedAt()).isNotNull();
    ReceivedRequest refuse = server.requests("Refuse").get(0);
    assertThat(refuse.httpStatus()).isEqualTo(400);
    assertThat(refuse.errorType()).contains("ResourceInUseException");

    server.clearRequests();
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void targetPrefixesMustBeDistinct() {
    assertThatThrownBy(() -> AwsJsonFakeServer.start(new EchoService(), new EchoService()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Echo_20240101");
  }
}
