package io.floe.control.scale;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/** The benchmark's small rules: the request mix, endpoint names, file kinds, JDBC URLs. */
class ScaleHelpersTest {
  private static final IntFunction<HttpRequest> ANY = i -> null;

  @Test
  void theMixFollowsTheWeightsAndSpreadsThem() {
    List<ApiLoad.Kind> order =
        ApiLoad.schedule(
            List.of(
                new ApiLoad.Kind("get", 7, ANY),
                new ApiLoad.Kind("health", 7, ANY),
                new ApiLoad.Kind("list", 4, ANY),
                new ApiLoad.Kind("put", 2, ANY)));

    assertThat(order).hasSize(20);
    assertThat(order.stream().filter(k -> k.name().equals("get"))).hasSize(7);
    assertThat(order.stream().filter(k -> k.name().equals("health"))).hasSize(7);
    assertThat(order.stream().filter(k -> k.name().equals("list"))).hasSize(4);
    assertThat(order.stream().filter(k -> k.name().equals("put"))).hasSize(2);
    // The two PUTs are not next to each other.
    int first = order.indexOf(order.stream().filter(k -> k.name().equals("put")).findFirst().get());
    assertThat(order.get(first + 1).name()).isNotEqualTo("put");
  }

  @Test
  void endpointsAreCountedWithoutTheirIds() {
    assertThat(FlinkRestFake.template("/jobs/0123456789abcdef0123456789abcdef/checkpoints"))
        .isEqualTo("/jobs/:id/checkpoints");
    assertThat(FlinkRestFake.template("/jobs/0123456789abcdef0123456789abcdef"))
        .isEqualTo("/jobs/:id");
    assertThat(FlinkRestFake.template("/jars/abc_loader-job-1.jar/run")).isEqualTo("/jars/:id/run");
    assertThat(FlinkRestFake.template("/jobs/overview")).isEqualTo("/jobs/overview");
  }

  @Test
  void filesAreCountedByKind() {
    String table = "file:/w/db/t0001/metadata/";
    assertThat(CountingFileIO.kind(table + "00003-5b1f.metadata.json")).isEqualTo("metadata");
    assertThat(CountingFileIO.kind(table + "snap-123-1-5b1f.avro")).isEqualTo("manifest list");
    assertThat(CountingFileIO.kind(table + "5b1f-m0.avro")).isEqualTo("manifest");
    assertThat(CountingFileIO.kind("file:/w/db/t0001/data/00000-0-5b1f.parquet")).isEqualTo("data");
  }

  @Test
  void aCountedJdbcUrlNamesItsLabel() {
    assertThat(CountingDriver.url("store", "jdbc:postgresql://localhost:5432/floe"))
        .isEqualTo("jdbc:counting:store:postgresql://localhost:5432/floe");
    assertThat(new CountingDriver().acceptsURL("jdbc:counting:store:postgresql://x/y")).isTrue();
    assertThat(new CountingDriver().acceptsURL("jdbc:postgresql://x/y")).isFalse();
  }

  @Test
  void keepingUpComparesTheTailWithTheInterval() {
    Percentiles fast = Percentiles.of(List.of(1000.0, 1100.0, 1400.0));
    Percentiles slow = Percentiles.of(List.of(1000.0, 1100.0, 3500.0));

    assertThat(ScaleReport.keepsUp(fast, Duration.ofSeconds(1), 1.5)).isEqualTo("yes");
    assertThat(ScaleReport.keepsUp(slow, Duration.ofSeconds(1), 1.5)).isEqualTo("no");
    assertThat(ScaleReport.keepsUp(Percentiles.NONE, Duration.ofSeconds(1), 1.5))
        .isEqualTo("no data");
  }

  @Test
  void procCpuOfThisProcessIsRead() {
    assertThat(CpuMeter.procCpuNanos(ProcessHandle.current().pid())).isPositive();
    assertThat(CpuMeter.procCpuNanos(Long.MAX_VALUE)).isZero();
  }
}
