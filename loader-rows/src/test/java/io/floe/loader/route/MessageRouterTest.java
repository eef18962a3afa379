package io.floe.loader.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.loader.parse.BadMessageException;
import io.floe.loader.parse.BadMessageException.Reason;
import io.floe.loader.settings.RouteSettings;
import io.floe.loader.source.KafkaMessage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class MessageRouterTest {
  private static KafkaMessage message(String value, KafkaMessage.Header... headers) {
    return new KafkaMessage(
        "orders-eu",
        0,
        7,
        0,
        null,
        value == null ? null : value.getBytes(StandardCharsets.UTF_8),
        List.of(headers));
  }

  private static KafkaMessage.Header header(String key, String value) {
    return new KafkaMessage.Header(key, value.getBytes(StandardCharsets.UTF_8));
  }

  private static MessageRouter template(String source) {
    return new MessageRouter(RouteSettings.template(source, "events_", "", false));
  }

  private static void noRoute(ThrowingCallable call, String path, String why) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            BadMessageException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.NO_ROUTE);
              assertThat(e.path()).isEqualTo(path);
            })
        .hasMessageContaining(why);
  }

  @Test
  void aTopLevelFieldSkippingEverythingBeforeIt() throws Exception {
    MessageRouter router = template("type");

    assertThat(router.tableFor(message("{\"a\":{\"type\":\"x\"},\"b\":[1,{}],\"type\":\"click\"}")))
        .isEqualTo("events_click");
    assertThat(router.tableFor(message("{\"type\":42}"))).isEqualTo("events_42");
    assertThat(router.tableFor(message("{\"type\":true}"))).isEqualTo("events_true");
  }

  @Test
  void aNestedField() throws Exception {
    MessageRouter router = template("meta.kind");

    assertThat(router.tableFor(message("{\"id\":1,\"meta\":{\"x\":[],\"kind\":\"View\"}}")))
        .isEqualTo("events_view");
    noRoute(() -> router.tableFor(message("{\"meta\":\"flat\"}")), "meta.kind", "no field");
    noRoute(() -> router.tableFor(message("{\"meta\":{}}")), "meta.kind", "no field");
  }

  @Test
  void whatNamesNoTableIsABadMessageWithTheReason() {
    MessageRouter router = template("type");

    noRoute(() -> router.tableFor(message("{\"id\":1}")), "type", "no field 'type'");
    noRoute(() -> router.tableFor(message("{\"type\":null}")), "type", "is null, not a value");
    noRoute(() -> router.tableFor(message("{\"type\":{}}")), "type", "is an object");
    noRoute(() -> router.tableFor(message("{\"type\":[1]}")), "type", "is an array");
    noRoute(() -> router.tableFor(message("[1]")), "type", "not a JSON object");
    noRoute(() -> router.tableFor(message(null)), "type", "a tombstone");
    noRoute(
        () -> router.tableFor(message("{\"type\":\"a b\"}")),
        "type",
        "'a b' cannot be part of a table name");
    assertThatThrownBy(() -> router.tableFor(message("{\"type\" \"x\"}")))
        .isInstanceOfSatisfying(
            BadMessageException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED_JSON));
  }

  @Test
  void aHeaderTheLastOneWins() throws Exception {
    MessageRouter router = template("header:kind");

    assertThat(router.tableFor(message("{}", header("kind", "a"), header("kind", "b"))))
        .isEqualTo("events_b");
    noRoute(() -> router.tableFor(message("{}")), "", "no header 'kind'");
    noRoute(
        () ->
            router.tableFor(
                message("{}", new KafkaMessage.Header("kind", new byte[] {(byte) 0xff}))),
        "",
        "is not UTF-8");
  }

  @Test
  void theTopicThroughAMapWithADefault() throws Exception {
    MessageRouter router =
        new MessageRouter(
            RouteSettings.map(
                "topic", Map.of("orders-eu", "orders"), Optional.of("other_orders"), false));

    assertThat(router.tableFor(message("{}"))).isEqualTo("orders");
    assertThat(
            router.tableFor(new KafkaMessage("orders-us", 0, 0, 0, null, new byte[0], List.of())))
        .isEqualTo("other_orders");
  }
}
