package io.floe.control.scale;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** What the benchmark measured at one number of pipelines. */
record ScaleFigures(
    int pipelines,
    Duration createTime,
    Percentiles createPut,
    Duration quietWindow,
    PassLog.Passes quietPasses,
    CallCounts.Snapshot quietCalls,
    CpuMeter.Use quietCpu,
    long heapAfterGcBytes,
    long steadyCommits,
    long steadyCommitFailures,
    Duration loadWindow,
    PassLog.Passes loadPasses,
    CallCounts.Snapshot loadCalls,
    CpuMeter.Use loadCpu,
    Map<String, Percentiles> api,
    Map<String, Percentiles> apiService,
    double apiThroughput,
    Map<String, Long> apiFailures,
    long apiSent,
    List<Double> reactionMillis,
    List<String> notes) {}
