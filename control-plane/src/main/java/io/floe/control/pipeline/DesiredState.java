package io.floe.control.pipeline;

/** What the user wants the pipeline's loader to do. */
public enum DesiredState {
  RUNNING,
  STOPPED
}
