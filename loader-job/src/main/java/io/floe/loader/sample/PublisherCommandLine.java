package io.floe.loader.sample;

import static java.util.Objects.requireNonNull;

import io.floe.loader.settings.SettingValues;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The {@link SamplePublisher} command line, parsed and checked; it collects every problem, so one
 * usage message can list them all.
 */
final class PublisherCommandLine {
  private static final String BOOTSTRAP_SERVERS = "--bootstrap-servers";
  private static final String TOPIC = "--topic";
  private static final String COUNT = "--count";
  private static final String RATE = "--rate";
  private static final String DURATION = "--duration";
  private static final String START_ID = "--start-id";
  private static final String PAYLOAD = "--payload";
  private static final String MALFORMED_SHARE = "--malformed-share";
  private static final String PARTITIONS = "--partitions";
  private static final String CREATE_TOPIC = "--create-topic";
  private static final Set<String> WITH_VALUE =
      Set.of(
          BOOTSTRAP_SERVERS,
          TOPIC,
          COUNT,
          RATE,
          DURATION,
          START_ID,
          PAYLOAD,
          MALFORMED_SHARE,
          PARTITIONS);

  private final List<String> problems;
  private final boolean helpRequested;
  private final Optional<SamplePublisherOptions> options;
  private final OptionalLong count;
  private final OptionalDouble rate;
  private final Optional<Duration> duration;
  private final Optional<Integer> partitions;
  private final boolean createTopic;

  private PublisherCommandLine(
      List<String> problems,
      boolean helpRequested,
      Optional<SamplePublisherOptions> options,
      OptionalLong count,
      OptionalDouble rate,
      Optional<Duration> duration,
      Optional<Integer> partitions,
      boolean createTopic) {
    this.problems = Collections.unmodifiableList(new ArrayList<>(problems));
    this.helpRequested = helpRequested;
    this.options = options;
    this.count = count;
    this.rate = rate;
    this.duration = duration;
    this.partitions = partitions;
    this.createTopic = createTopic;
  }

  static PublisherCommandLine parse(List<String> args) {
    requireNonNull(args, "args is null");
    List<String> problems = new ArrayList<>();
    Map<String, String> values = new LinkedHashMap<>();
    boolean helpRequested = false;
    boolean createTopic = false;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      String name = arg;
      String value = null;
      int equals = arg.indexOf('=');
      if (arg.startsWith("--") && equals > 0) {
        name = arg.substring(0, equals);
        value = arg.substring(equals + 1);
      }
      if (name.equals("--help") || name.equals("-h")) {
        helpRequested = true;
      } else if (name.equals(CREATE_TOPIC)) {
        if (value != null) {
          problems.add(CREATE_TOPIC + " takes no value");
        }
        createTopic = true;
      } else if (!WITH_VALUE.contains(name)) {
        problems.add("unknown argument '" + arg + "'");
      } else {
        if (value == null) {
          if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
            problems.add(name + " needs a value");
            continue;
          }
          value = args.get(++i);
        }
        if (values.putIfAbsent(name, value) != null) {
          problems.add(name + " is given more than once");
        }
      }
    }

    String bootstrapServers = required(values, BOOTSTRAP_SERVERS, problems);
    String topic = required(values, TOPIC, problems);
    OptionalLong count = positiveLong(values, COUNT, problems);
    OptionalDouble rate = positiveDouble(values, RATE, problems);
    Optional<Duration> duration = duration(values, problems);
    if (values.containsKey(COUNT) && values.containsKey(RATE)) {
      problems.add("give either " + COUNT + " or " + RATE + ", not both");
    } else if (!values.containsKey(COUNT) && !values.containsKey(RATE)) {
      problems.add("one of " + COUNT + " or " + RATE + " is required");
    }
    if (values.containsKey(DURATION) && !values.containsKey(RATE)) {
      problems.add(DURATION + " needs " + RATE);
    }
    long startId = startId(values, problems);
    SamplePayload payload = payload(values, problems);
    MalformedShare malformedShare = malformedShare(values, problems);
    Optional<Integer> partitions = partitions(values, problems);
    if (values.containsKey(PARTITIONS) && !createTopic) {
      problems.add(PARTITIONS + " needs " + CREATE_TOPIC);
    }

    Optional<SamplePublisherOptions> options = Optional.empty();
    if (problems.isEmpty() && !helpRequested) {
      options =
          Optional.of(
              new SamplePublisherOptions(
                  bootstrapServers, topic, payload, startId, malformedShare, Map.of()));
    }
    return new PublisherCommandLine(
        problems, helpRequested, options, count, rate, duration, partitions, createTopic);
  }

  static String usage() {
    return String.join(
        "\n",
        "Usage: java -cp loader-job.jar io.floe.loader.sample.SamplePublisher",
        "         --bootstrap-servers HOST:PORT --topic TOPIC",
        "         (--count N | --rate R [--duration 60s])",
        "         [--start-id 1] [--payload sample|wide] [--malformed-share 0.01]",
        "         [--create-topic [--partitions P]]",
        "",
        "Publishes sample JSON messages to a Kafka topic. The key of each record is its id in",
        "decimal, its Kafka timestamp the instant in the message's timestamp field.",
        "",
        "  --bootstrap-servers  Kafka brokers, host:port[,host:port...] (required)",
        "  --topic              the topic to publish to (required)",
        "  --count N            publish N messages as fast as possible",
        "  --rate R             publish R messages per second (may be fractional), paced",
        "  --duration D         with --rate: stop after D, like 500ms, 60s, 5m, 2h or PT1M;",
        "                       without it the publisher runs until stopped (Ctrl-C)",
        "  --start-id ID        the id of the first message (default 1); ids count up",
        "  --payload P          sample: the shared sample message (default);",
        "                       wide: 50 columns of mixed types",
        "  --malformed-share S  the share of messages, 0 to 1, replaced by malformed ones,",
        "                       evenly spread (default 0): 0.05 makes every 20th id malformed",
        "  --create-topic       create the topic first if it does not exist",
        "  --partitions P       with --create-topic: its partitions (default: the broker's)",
        "  --help               print this message");
  }

  /** Problems with the arguments; empty when they are valid. */
  List<String> problems() {
    return problems;
  }

  boolean helpRequested() {
    return helpRequested;
  }

  /** The publisher options; only when there are no problems and no help was requested. */
  SamplePublisherOptions options() {
    return options.orElseThrow(
        () -> new IllegalStateException("No options: help requested or problems " + problems));
  }

  /** The --count; empty when publishing at a --rate. */
  OptionalLong count() {
    return count;
  }

  OptionalDouble rate() {
    return rate;
  }

  /** The --duration; empty to publish at the rate until stopped. */
  Optional<Duration> duration() {
    return duration;
  }

  Optional<Integer> partitions() {
    return partitions;
  }

  boolean createTopic() {
    return createTopic;
  }

  private static String required(Map<String, String> values, String name, List<String> problems) {
    String value = values.get(name);
    if (value == null || value.isBlank()) {
      problems.add(name + " is required");
      return null;
    }
    return value;
  }

  private static OptionalLong positiveLong(
      Map<String, String> values, String name, List<String> problems) {
    String value = values.get(name);
    if (value == null) {
      return OptionalLong.empty();
    }
    try {
      long parsed = Long.parseLong(value);
      if (parsed > 0) {
        return OptionalLong.of(parsed);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    problems.add(name + " must be a whole number > 0, got '" + value + "'");
    return OptionalLong.empty();
  }

  private static OptionalDouble positiveDouble(
      Map<String, String> values, String name, List<String> problems) {
    String value = values.get(name);
    if (value == null) {
      return OptionalDouble.empty();
    }
    try {
      double parsed = Double.parseDouble(value);
      if (parsed > 0 && !Double.isInfinite(parsed)) {
        return OptionalDouble.of(parsed);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    problems.add(name + " must be a number > 0, got '" + value + "'");
    return OptionalDouble.empty();
  }

  private static Optional<Duration> duration(Map<String, String> values, List<String> problems) {
    String value = values.get(DURATION);
    if (value == null) {
      return Optional.empty();
    }
    Duration parsed;
    try {
      parsed = SettingValues.duration(value);
    } catch (IllegalArgumentException | ArithmeticException e) {
      parsed = null;
    }
    if (parsed == null || parsed.isNegative() || parsed.isZero()) {
      problems.add(DURATION + " must be > 0, like 500ms, 60s, 5m, 2h or PT1M, got '" + value + "'");
      return Optional.empty();
    }
    return Optional.of(parsed);
  }

  private static long startId(Map<String, String> values, List<String> problems) {
    String value = values.get(START_ID);
    if (value == null) {
      return 1;
    }
    try {
      long parsed = Long.parseLong(value);
      if (parsed >= 0) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    problems.add(START_ID + " must be a whole number >= 0, got '" + value + "'");
    return 1;
  }

  private static SamplePayload payload(Map<String, String> values, List<String> problems) {
    String value = values.get(PAYLOAD);
    if (value == null) {
      return SamplePayload.SAMPLE;
    }
    try {
      return SamplePayload.fromCliName(value);
    } catch (IllegalArgumentException e) {
      problems.add(PAYLOAD + " must be sample or wide, got '" + value + "'");
      return SamplePayload.SAMPLE;
    }
  }

  private static MalformedShare malformedShare(Map<String, String> values, List<String> problems) {
    String value = values.get(MALFORMED_SHARE);
    if (value == null) {
      return MalformedShare.NONE;
    }
    try {
      return new MalformedShare(Double.parseDouble(value));
    } catch (IllegalArgumentException e) { // NumberFormatException included
      problems.add(MALFORMED_SHARE + " must be 0, or from 0.000001 to 1, got '" + value + "'");
      return MalformedShare.NONE;
    }
  }

  private static Optional<Integer> partitions(Map<String, String> values, List<String> problems) {
    String value = values.get(PARTITIONS);
    if (value == null) {
      return Optional.empty();
    }
    try {
      int parsed = Integer.parseInt(value);
      if (parsed > 0) {
        return Optional.of(parsed);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    problems.add(PARTITIONS + " must be a whole number > 0, got '" + value + "'");
    return Optional.empty();
  }
}
