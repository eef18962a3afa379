package io.floe.control.model;

/** What the user wants the pipeline's loader to do. */
public enum DesiredState {
  RUNNING,
  STOPPED
}
