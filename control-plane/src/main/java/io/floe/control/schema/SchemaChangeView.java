package io.floe.control.schema;

import io.floe.control.model.OperationView;

/** The table's schema after a change, and the restart that rolls it out (when running). */
public record SchemaChangeView(SchemaView schema, OperationView restart) {}
