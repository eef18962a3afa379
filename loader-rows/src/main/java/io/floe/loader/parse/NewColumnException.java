package io.floe.loader.parse;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.iceberg.types.Type;

/**
 * Under {@code parse.unknown-fields: add}, a message has a field the table lacks: the loader adds
 * it as an optional column of the type its value suggests and parses the message again. Containers
 * add their name on the way out, as for {@link ValueException}, so that the parent is Iceberg's own
 * path to the struct ({@code nested}, {@code items.element}, {@code attributes.value}).
 */
public final class NewColumnException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final List<String> parent;
  private final String name;
  private final transient Type type;

  NewColumnException(String name, Type type) {
    this(List.of(), name, type);
  }

  private NewColumnException(List<String> parent, String name, Type type) {
    super(null, null, false, false);
    this.parent = List.copyOf(parent);
    this.name = requireNonNull(name, "name is null");
    this.type = requireNonNull(type, "type is null");
  }

  /** This new column, one level further out, under the struct field, list or map named. */
  NewColumnException under(String container) {
    List<String> outer = new ArrayList<>();
    outer.add(container);
    outer.addAll(parent);
    return new NewColumnException(outer, name, type);
  }

  /** The names from the table's top level down to the struct that gets the column; empty: top. */
  public List<String> parent() {
    return Collections.unmodifiableList(parent);
  }

  public String name() {
    return name;
  }

  /** The column's type, inferred from the value (optional fields throughout). */
  public Type type() {
    return type;
  }

  /** The column's full path, dotted, as a message names it. */
  public String path() {
    return parent.isEmpty() ? name : String.join(".", parent) + "." + name;
  }

  @Override
  public String getMessage() {
    return "new column " + path() + " " + type;
  }
}
