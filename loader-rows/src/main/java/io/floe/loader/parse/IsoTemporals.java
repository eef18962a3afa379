package io.floe.loader.parse;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.chrono.IsoChronology;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.TemporalAccessor;

/**
 * ISO-8601 dates, times and timestamps to Iceberg's units, exactly: a hand-written parser for the
 * common shapes (java.time's formatters cost microseconds per value) with java.time as the fallback
 * for zone ids and rarer forms. Precision beyond what a column holds is an error, not a truncation.
 */
final class IsoTemporals {
  /** ISO-8601 with an optional offset and an optional zone id, each without the other. */
  private static final DateTimeFormatter DATE_TIME =
      new DateTimeFormatterBuilder()
          .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
          .optionalStart()
          .appendOffsetId()
          .optionalEnd()
          .optionalStart()
          .appendLiteral('[')
          .parseCaseSensitive()
          .appendZoneRegionId()
          .appendLiteral(']')
          .optionalEnd()
          .toFormatter()
          .withResolverStyle(ResolverStyle.STRICT)
          .withChronology(IsoChronology.INSTANCE);

  private IsoTemporals() {}

  /** Days since 1970-01-01 of {@code yyyy-MM-dd}. */
  static int epochDay(String text) {
    if (text.length() == 10 && text.charAt(4) == '-' && text.charAt(7) == '-') {
      try {
        return (int)
            LocalDate.of(digits(text, 0, 4), digits(text, 5, 2), digits(text, 8, 2)).toEpochDay();
      } catch (DateTimeException | NumberFormatException e) {
        throw invalid(text, "date", "yyyy-MM-dd");
      }
    }
    try {
      return (int) LocalDate.parse(text).toEpochDay();
    } catch (DateTimeParseException e) {
      throw invalid(text, "date", "yyyy-MM-dd");
    }
  }

  /**
   * Milliseconds of the day of {@code HH:mm[:ss[.fraction]]}; Flink's TIME holds milliseconds, so
   * non-zero digits beyond them are refused.
   */
  static int millisOfDay(String text) {
    LocalTime time;
    try {
      time = LocalTime.parse(text);
    } catch (DateTimeParseException e) {
      throw invalid(text, "time", "HH:mm:ss[.SSS]");
    }
    if (time.getNano() % 1_000_000 != 0) {
      throw ValueException.outOfRange(
          "time '" + text + "' has precision beyond milliseconds, which the table cannot hold");
    }
    return (int) (time.toNanoOfDay() / 1_000_000);
  }

  /**
   * Microseconds since the epoch of an ISO-8601 timestamp with an offset ({@code Z}, {@code
   * +02:00}, {@code -0700}) or a zone id ({@code 2024-05-01T10:00:00+02:00[Europe/Paris]}); without
   * either, the time is taken as UTC. Timestamps without time zone hold the UTC wall time of the
   * value.
   */
  static long micros(String text) {
    long fast = parseFast(text, true);
    if (fast != Long.MIN_VALUE) {
      return fast;
    }
    TemporalAccessor parsed = parseSlow(text, "timestamp with time zone");
    if (parsed instanceof LocalDateTime) {
      return micros(
          ((LocalDateTime) parsed).toEpochSecond(ZoneOffset.UTC),
          ((LocalDateTime) parsed).getNano(),
          text);
    }
    ZonedDateTime zoned = (ZonedDateTime) parsed;
    return micros(zoned.toEpochSecond(), zoned.getNano(), text);
  }

  /** Parses the common shapes by hand; returns Long.MIN_VALUE when the text needs java.time. */
  private static long parseFast(String s, boolean allowZone) {
    int n = s.length();
    if (n < 19
        || s.charAt(4) != '-'
        || s.charAt(7) != '-'
        || (s.charAt(10) != 'T' && s.charAt(10) != 't' && s.charAt(10) != ' ')
        || s.charAt(13) != ':'
        || s.charAt(16) != ':') {
      return Long.MIN_VALUE;
    }
    int year = digitsOrNegative(s, 0, 4);
    int month = digitsOrNegative(s, 5, 2);
    int day = digitsOrNegative(s, 8, 2);
    int hour = digitsOrNegative(s, 11, 2);
    int minute = digitsOrNegative(s, 14, 2);
    int second = digitsOrNegative(s, 17, 2);
    if ((year | month | day | hour | minute | second) < 0) {
      return Long.MIN_VALUE;
    }
    int i = 19;
    long nanos = 0;
    if (i < n && s.charAt(i) == '.') {
      i++;
      int start = i;
      while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        i++;
      }
      int count = i - start;
      if (count == 0 || count > 9) {
        return Long.MIN_VALUE;
      }
      for (int k = start; k < i; k++) {
        nanos = nanos * 10 + (s.charAt(k) - '0');
      }
      for (int k = count; k < 9; k++) {
        nanos *= 10;
      }
    }
    int offsetSeconds = 0;
    if (i < n) {
      char c = s.charAt(i);
      if ((c == 'Z' || c == 'z') && i == n - 1) {
        offsetSeconds = 0;
      } else if ((c == '+' || c == '-') && allowZone) {
        int rest = n - i - 1;
        int oh;
        int om;
        if (rest == 5 && s.charAt(i + 3) == ':') {
          oh = digitsOrNegative(s, i + 1, 2);
          om = digitsOrNegative(s, i + 4, 2);
        } else if (rest == 4) {
          oh = digitsOrNegative(s, i + 1, 2);
          om = digitsOrNegative(s, i + 3, 2);
        } else if (rest == 2) {
          oh = digitsOrNegative(s, i + 1, 2);
          om = 0;
        } else {
          return Long.MIN_VALUE;
        }
        if (oh < 0 || om < 0 || oh > 18 || om > 59) {
          return Long.MIN_VALUE;
        }
        offsetSeconds = (oh * 3600 + om * 60) * (c == '-' ? -1 : 1);
      } else {
        return Long.MIN_VALUE;
      }
    }
    long epochDay;
    try {
      if (hour > 23 || minute > 59 || second > 59) {
        return Long.MIN_VALUE;
      }
      epochDay = LocalDate.of(year, month, day).toEpochDay();
    } catch (DateTimeException e) {
      return Long.MIN_VALUE;
    }
    long epochSecond = epochDay * 86_400L + hour * 3600L + minute * 60L + second - offsetSeconds;
    return micros(epochSecond, nanos, s);
  }

  private static TemporalAccessor parseSlow(String text, String kind) {
    String iso =
        text.length() > 10 && text.charAt(10) == ' '
            ? text.substring(0, 10) + 'T' + text.substring(11)
            : text;
    try {
      return DATE_TIME.parseBest(iso, ZonedDateTime::from, LocalDateTime::from);
    } catch (DateTimeParseException e) {
      throw invalid(text, kind, "ISO-8601, e.g. 2024-05-01T10:15:30.123456+02:00");
    }
  }

  private static long micros(long epochSecond, long nanos, String text) {
    if (nanos % 1000 != 0) {
      throw ValueException.outOfRange(
          "timestamp '"
              + text
              + "' has precision beyond microseconds, which the table cannot hold");
    }
    try {
      return Math.addExact(Math.multiplyExact(epochSecond, 1_000_000L), nanos / 1000);
    } catch (ArithmeticException e) {
      throw ValueException.outOfRange("timestamp '" + text + "' is out of range");
    }
  }

  /** Microseconds since the epoch of epoch milliseconds, as JSON numbers carry them. */
  static long microsOfEpochMillis(long millis) {
    try {
      return Math.multiplyExact(millis, 1000L);
    } catch (ArithmeticException e) {
      throw ValueException.outOfRange(millis + " epoch milliseconds is out of range");
    }
  }

  private static int digits(String s, int start, int count) {
    int value = digitsOrNegative(s, start, count);
    if (value < 0) {
      throw new NumberFormatException(s);
    }
    return value;
  }

  private static int digitsOrNegative(String s, int start, int count) {
    int value = 0;
    for (int i = start; i < start + count; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private static ValueException invalid(String text, String kind, String expected) {
    return ValueException.wrongType("a " + kind + " (" + expected + ")", "'" + text + "'");
  }
}
