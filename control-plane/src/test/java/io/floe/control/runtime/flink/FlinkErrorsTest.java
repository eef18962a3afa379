package io.floe.control.runtime.flink;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Reading the error texts Flink 1.20's REST API answers with (shapes as the cluster sends them).
 */
class FlinkErrorsTest {
  private static final String RUN_FAILED =
      String.join(
          "\n",
          "org.apache.flink.runtime.rest.handler.RestHandlerException: Could not execute application.",
          "\tat org.apache.flink.runtime.webmonitor.handlers.JarRunHandler.lambda$handleRequest$1(JarRunHandler.java:114)",
          "Caused by: java.util.concurrent.CompletionException: org.apache.flink.util.FlinkRuntimeException: Could not execute application.",
          "\t... 1 more",
          "Caused by: org.apache.flink.client.program.ProgramInvocationException: The main method caused an error: Invalid loader settings (2 problems):",
          "  - job.flush-interval: 'soon' is not a duration (examples: 500ms, 60s, 5m, 1h, PT1M)",
          "  - bogus: unknown setting",
          "\tat org.apache.flink.client.program.PackagedProgram.callMainMethod(PackagedProgram.java:373)",
          "\t... 4 more",
          "Caused by: io.floe.loader.settings.InvalidSettingsException: Invalid loader settings (2 problems):",
          "  - job.flush-interval: 'soon' is not a duration (examples: 500ms, 60s, 5m, 1h, PT1M)",
          "  - bogus: unknown setting",
          "\tat io.floe.loader.LoaderJob.main(LoaderJob.java:70)",
          "");

  private static final String SERVER_SIDE =
      String.join(
          "\n",
          "<Exception on server side:",
          "java.lang.UnsupportedOperationException: The DefaultScheduler does not support changing the"
              + " parallelism without a job restart.",
          "\tat org.apache.flink.runtime.scheduler.SchedulerNG.requestJobResourceRequirements(SchedulerNG.java:216)",
          "",
          "End of exception on server side>");

  @Test
  void findsTheMessageOfAnExceptionThatTheJarsMainThrew() {
    assertThat(FlinkErrors.of(RUN_FAILED).programFailure())
        .contains(
            "Invalid loader settings (2 problems):\n"
                + "  - job.flush-interval: 'soon' is not a duration (examples: 500ms, 60s, 5m, 1h, PT1M)\n"
                + "  - bogus: unknown setting");
  }

  @Test
  void aSingleLineMessageEndsAtTheStackTrace() {
    String error =
        "org.apache.flink.client.program.ProgramInvocationException: The main method caused an"
            + " error: A topic of source.topics does not exist: [nosuch]\n"
            + "\tat org.apache.flink.client.program.PackagedProgram.callMainMethod(PackagedProgram.java:373)";
    assertThat(FlinkErrors.of(error).programFailure())
        .contains("A topic of source.topics does not exist: [nosuch]");
  }

  @Test
  void otherErrorsHaveNoProgramFailure() {
    assertThat(FlinkErrors.of(SERVER_SIDE).programFailure()).isEmpty();
  }

  @Test
  void summarisesAStackTraceByItsFirstLineAndRootCause() {
    assertThat(FlinkErrors.of(RUN_FAILED).summary())
        .isEqualTo(
            "org.apache.flink.runtime.rest.handler.RestHandlerException: Could not execute"
                + " application. (caused by io.floe.loader.settings.InvalidSettingsException:"
                + " Invalid loader settings (2 problems):)");
  }

  @Test
  void unwrapsServerSideExceptionsAndSkipsTheGenericLine() {
    FlinkErrors errors = new FlinkErrors(java.util.List.of("Internal server error.", SERVER_SIDE));
    assertThat(errors.summary())
        .isEqualTo(
            "java.lang.UnsupportedOperationException: The DefaultScheduler does not support changing"
                + " the parallelism without a job restart.");
    assertThat(errors.contains("UnsupportedOperationException")).isTrue();
  }

  @Test
  void saysSoWhenFlinkGaveNoText() {
    assertThat(new FlinkErrors(java.util.List.of()).summary()).isEqualTo("(no error text)");
  }
}
