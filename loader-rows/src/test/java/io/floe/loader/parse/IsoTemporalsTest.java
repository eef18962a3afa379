package io.floe.loader.parse;

import static io.floe.loader.parse.BadMessageException.Reason.OUT_OF_RANGE;
import static io.floe.loader.parse.BadMessageException.Reason.WRONG_TYPE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The hand-written ISO-8601 parser against java.time: every shape it takes by hand must give the
 * same instant as java.time, and precision beyond the unit must be refused, never truncated.
 */
class IsoTemporalsTest {
  private static final long SEED = 20240501L;

  // ---------------------------------------------------------------------------------------------
  // Dates

  @Test
  void epochDayOfIsoDates() {
    assertThat(IsoTemporals.epochDay("1970-01-01")).isZero();
    assertThat(IsoTemporals.epochDay("1970-01-02")).isEqualTo(1);
    assertThat(IsoTemporals.epochDay("1969-12-31")).isEqualTo(-1);
    assertThat(IsoTemporals.epochDay("2000-02-29")).isEqualTo(epochDay(2000, 2, 29));
    assertThat(IsoTemporals.epochDay("2024-05-01")).isEqualTo(epochDay(2024, 5, 1));
    assertThat(IsoTemporals.epochDay("0001-01-01")).isEqualTo(epochDay(1, 1, 1));
    assertThat(IsoTemporals.epochDay("9999-12-31")).isEqualTo(epochDay(9999, 12, 31));
  }

  @Test
  void epochDayMatchesJavaTimeForEveryDayOfFourHundredYears() {
    LocalDate day = LocalDate.of(1800, 1, 1);
    LocalDate end = LocalDate.of(2200, 1, 1);
    while (day.isBefore(end)) {
      assertThat(IsoTemporals.epochDay(day.toString())).isEqualTo((int) day.toEpochDay());
      day = day.plusDays(1);
    }
  }

  @Test
  void epochDayRefusesWhatIsNotADate() {
    for (String text :
        List.of(
            "",
            "2024",
            "2024-05",
            "2024-5-01",
            "2024-05-1",
            "24-05-01",
            "2024/05/01",
            "2024-05-01T00:00",
            "2024-05-01Z",
            "2024-0a-01",
            "abcd-ef-gh",
            "2024-02-30",
            "2023-02-29",
            "2024-00-10",
            "2024-13-01",
            "2024-04-31",
            "2024-05-00",
            " 2024-05-01",
            "2024-05-01 ")) {
      ValueException e = refusal(() -> IsoTemporals.epochDay(text), text);
      assertThat(e.toBadMessage().reason()).as(text).isIn(WRONG_TYPE, OUT_OF_RANGE);
      assertThat(e.getMessage()).as(text).contains(text.trim());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Times

  @Test
  void millisOfDayOfIsoTimes() {
    assertThat(IsoTemporals.millisOfDay("00:00")).isZero();
    assertThat(IsoTemporals.millisOfDay("00:00:00.001")).isEqualTo(1);
    assertThat(IsoTemporals.millisOfDay("10:15")).isEqualTo(36_900_000);
    assertThat(IsoTemporals.millisOfDay("10:15:30")).isEqualTo(36_930_000);
    assertThat(IsoTemporals.millisOfDay("10:15:30.5")).isEqualTo(36_930_500);
    assertThat(IsoTemporals.millisOfDay("10:15:30.12")).isEqualTo(36_930_120);
    assertThat(IsoTemporals.millisOfDay("10:15:30.123")).isEqualTo(36_930_123);
    assertThat(IsoTemporals.millisOfDay("10:15:30.123000")).isEqualTo(36_930_123);
    assertThat(IsoTemporals.millisOfDay("10:15:30.123000000")).isEqualTo(36_930_123);
    assertThat(IsoTemporals.millisOfDay("23:59:59.999")).isEqualTo(86_399_999);
  }

  @Test
  void millisOfDayMatchesJavaTimeForEveryMinute() {
    for (int minute = 0; minute < 24 * 60; minute++) {
      LocalTime time =
          LocalTime.ofSecondOfDay(minute * 60L + minute % 60)
              .plusNanos((minute % 1000) * 1_000_000L);
      assertThat(IsoTemporals.millisOfDay(time.toString()))
          .as(time.toString())
          .isEqualTo((int) (time.toNanoOfDay() / 1_000_000));
    }
  }

  @Test
  void millisOfDayRefusesDigitsBeyondMilliseconds() {
    for (String text :
        List.of(
            "10:15:30.1234",
            "10:15:30.0001",
            "10:15:30.000001",
            "10:15:30.123456",
            "10:15:30.123456789",
            "23:59:59.9999")) {
      ValueException e = refusal(() -> IsoTemporals.millisOfDay(text), text);
      assertThat(e.toBadMessage().reason()).as(text).isEqualTo(OUT_OF_RANGE);
    }
  }

  @Test
  void millisOfDayRefusesWhatIsNotATime() {
    for (String text :
        List.of(
            "",
            "10",
            "10:5",
            "1:05",
            "24:00",
            "10:60",
            "10:15:60",
            "10:15:30Z",
            "10:15:30+02:00",
            "noon",
            "10.15",
            "T10:15")) {
      ValueException e = refusal(() -> IsoTemporals.millisOfDay(text), text);
      assertThat(e.toBadMessage().reason()).as(text).isIn(WRONG_TYPE, OUT_OF_RANGE);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Timestamps

  @Test
  void microsOfTheSharedSample() {
    assertThat(IsoTemporals.micros("2022-07-26T00:41:48.046773-07:00"))
        .isEqualTo(micros(Instant.parse("2022-07-26T07:41:48.046773Z")))
        .isEqualTo(1_658_821_308_046_773L);
  }

  @Test
  void microsOfEveryDocumentedForm() {
    long expected = micros(Instant.parse("2024-05-01T08:00:00.123456Z"));
    for (String text :
        List.of(
            "2024-05-01T08:00:00.123456Z",
            "2024-05-01T08:00:00.123456z",
            "2024-05-01T10:00:00.123456+02:00",
            "2024-05-01T10:00:00.123456+0200",
            "2024-05-01T10:00:00.123456+02",
            "2024-05-01T01:00:00.123456-07:00",
            "2024-05-01T01:00:00.123456-0700",
            "2024-05-01T01:00:00.123456-07",
            "2024-05-01T08:00:00.123456+00:00",
            "2024-05-01T08:00:00.123456-00:00",
            "2024-05-01T13:45:00.123456+05:45",
            "2024-05-01T10:00:00.123456+02:00[Europe/Paris]",
            "2024-05-01T04:00:00.123456-04:00[America/New_York]",
            "2024-05-01T08:00:00.123456Z[UTC]",
            "2024-05-01T08:00:00.123456",
            "2024-05-01 08:00:00.123456",
            "2024-05-01 08:00:00.123456Z",
            "2024-05-01 10:00:00.123456+02:00",
            "2024-05-01 01:00:00.123456-0700",
            "2024-05-01T08:00:00.123456000Z",
            "2024-05-01T10:00:00.123456000+02:00[Europe/Paris]")) {
      assertThat(IsoTemporals.micros(text)).as(text).isEqualTo(expected);
    }
  }

  @Test
  void microsOfAZoneIdWithoutAnOffset() {
    assertThat(IsoTemporals.micros("2024-05-01T10:00:00[Europe/Paris]"))
        .isEqualTo(micros(Instant.parse("2024-05-01T08:00:00Z")));
    assertThat(IsoTemporals.micros("2024-01-15T10:00:00[Europe/Paris]"))
        .isEqualTo(micros(Instant.parse("2024-01-15T09:00:00Z")));
  }

  @Test
  void microsOfAZoneIdWithASpaceForT() {
    assertThat(IsoTemporals.micros("2024-05-01 10:00:00+02:00[Europe/Paris]"))
        .isEqualTo(micros(Instant.parse("2024-05-01T08:00:00Z")));
  }

  @Test
  void microsOfFractionsOfEveryLength() {
    long second = micros(Instant.parse("2024-05-01T08:00:00Z"));
    assertThat(IsoTemporals.micros("2024-05-01T08:00:00Z")).isEqualTo(second);
    assertThat(IsoTemporals.micros("2024-05-01T08:00:00.1Z")).isEqualTo(second + 100_000);
    assertThat(IsoTemporals.micros("2024-05-01T08:00:00.12Z")).isEqualTo(second + 120_000);
    assertThat(IsoTemporals.micros("2024-05-01T08:00:00.123Z")).isEqualTo(second + 123_000);
    assertThat(IsoTemporals.micros("2024-05-01T08:00:00.1234Z")).isEqualTo(second + 123_400);
    assertThat(IsoTemporals.micros("2024-05-01T08:00:00.12345Z")).isEqualTo(second + 123_450);
    assertThat(IsoTemporals.micros("2024-05-01T08:00:00.123456Z")).isEqualTo(second + 123_456);
    assertThat(IsoTemporals.micros("2024-05-01T08:00:00.1234560Z")).isEqualTo(second + 123_456);
    assertThat(IsoTemporals.micros("2024-05-01T08:00:00.12345600Z")).isEqualTo(second + 123_456);
    assertThat(IsoTemporals.micros("2024-05-01T08:00:00.000001Z")).isEqualTo(second + 1);
  }

  @Test
  void microsBeforeTheEpochAreExact() {
    assertThat(IsoTemporals.micros("1969-12-31T23:59:59.999999Z")).isEqualTo(-1L);
    assertThat(IsoTemporals.micros("1969-12-31T23:59:59.000001Z")).isEqualTo(-999_999L);
    assertThat(IsoTemporals.micros("1970-01-01T00:00:00Z")).isZero();
    assertThat(IsoTemporals.micros("1970-01-01T01:00:00+01:00")).isZero();
    assertThat(IsoTemporals.micros("0001-01-01T00:00:00Z"))
        .isEqualTo(micros(Instant.parse("0001-01-01T00:00:00Z")));
    assertThat(IsoTemporals.micros("9999-12-31T23:59:59.999999Z"))
        .isEqualTo(micros(Instant.parse("9999-12-31T23:59:59.999999Z")));
  }

  @Test
  void microsMatchJavaTimeForRandomInstantsOffsetsAndShapes() {
    Random random = new Random(SEED);
    DateTimeFormatter[] offsetShapes = {
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSxxx"),
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSxx"),
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSXXX"),
      DateTimeFormatter.ofPattern("uuuu-MM-dd' 'HH:mm:ss.SSSSSSxxx"),
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSxxx"),
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssxxx"),
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSSxxx"),
      DateTimeFormatter.ISO_OFFSET_DATE_TIME,
      DateTimeFormatter.ISO_ZONED_DATE_TIME
    };
    List<ZoneId> zones =
        List.of(
            ZoneOffset.UTC,
            ZoneOffset.ofHours(2),
            ZoneOffset.ofHours(-7),
            ZoneOffset.ofHoursMinutes(5, 30),
            ZoneOffset.ofHoursMinutes(-9, -30),
            ZoneOffset.ofHours(14),
            ZoneOffset.ofHours(-12),
            ZoneId.of("Europe/Paris"),
            ZoneId.of("America/Los_Angeles"),
            ZoneId.of("Asia/Kolkata"),
            ZoneId.of("Australia/Lord_Howe"));
    long min = Instant.parse("1900-01-01T00:00:00Z").getEpochSecond();
    long max = Instant.parse("2100-01-01T00:00:00Z").getEpochSecond();
    for (int i = 0; i < 20_000; i++) {
      long second = min + (long) (random.nextDouble() * (max - min));
      long micro = random.nextInt(4) == 0 ? 0 : random.nextInt(1_000_000);
      Instant instant = Instant.ofEpochSecond(second, micro * 1000);
      ZoneId zone = zones.get(random.nextInt(zones.size()));
      DateTimeFormatter shape = offsetShapes[random.nextInt(offsetShapes.length)];
      ZonedDateTime zoned = instant.atZone(zone);
      String text = shape.format(zoned);
      long expected = micros(ZonedDateTime.parse(text, shape).toInstant());
      assertThat(IsoTemporals.micros(text)).as(text).isEqualTo(expected);
    }
  }

  @Test
  void microsOfLocalDateTimesAreTheirUtcWallTime() {
    Random random = new Random(SEED + 1);
    for (int i = 0; i < 5_000; i++) {
      LocalDateTime local =
          LocalDateTime.ofEpochSecond(
              random.nextInt(Integer.MAX_VALUE) - (long) Integer.MAX_VALUE / 2,
              random.nextInt(1_000_000) * 1000,
              ZoneOffset.UTC);
      String text = local.toString();
      assertThat(IsoTemporals.micros(text))
          .as(text)
          .isEqualTo(micros(local.toInstant(ZoneOffset.UTC)));
    }
  }

  @Test
  void microsRefuseDigitsBeyondMicroseconds() {
    for (String text :
        List.of(
            "2024-05-01T08:00:00.1234567Z",
            "2024-05-01T08:00:00.000000001Z",
            "2024-05-01T08:00:00.123456789+02:00",
            "2024-05-01T08:00:00.123456001",
            "2024-05-01 08:00:00.1234567",
            "2024-05-01T10:00:00.1234567+02:00[Europe/Paris]",
            "1969-12-31T23:59:59.9999999Z")) {
      ValueException e = refusal(() -> IsoTemporals.micros(text), text);
      assertThat(e.toBadMessage().reason()).as(text).isEqualTo(OUT_OF_RANGE);
    }
  }

  @Test
  void microsRefuseWhatIsNotATimestamp() {
    for (String text :
        List.of(
            "",
            "2024-05-01",
            "2024-05-01T",
            "2024-05-01T08",
            "2024-05-01X08:00:00Z",
            "2024-05-01T08:00:00+2",
            "2024-05-01T08:00:00+020",
            "2024-05-01T08:00:00+02:0",
            "2024-05-01T08:00:00+25:00",
            "2024-05-01T08:00:00+02:60",
            "2024-05-01T08:00:00ZZ",
            "2024-05-01T08:00:00 Z",
            "2024-05-01T08:00:00Z ",
            "2024-05-01T08:00:00[Not/AZone]",
            "2024-05-01T08:00:00+02:00[",
            "2024-13-01T08:00:00Z",
            "2024-02-30T08:00:00Z",
            "2024-05-01T24:00:00Z",
            "2024-05-01T08:60:00Z",
            "2024-05-01T08:00:60Z",
            "2024-05-0aT08:00:00Z",
            "1714558530123",
            "yesterday")) {
      ValueException e = refusal(() -> IsoTemporals.micros(text), text);
      assertThat(e.toBadMessage().reason()).as(text).isIn(WRONG_TYPE, OUT_OF_RANGE);
    }
  }

  @Test
  void microsOfEpochMillis() {
    assertThat(IsoTemporals.microsOfEpochMillis(0)).isZero();
    assertThat(IsoTemporals.microsOfEpochMillis(1_714_558_530_123L))
        .isEqualTo(1_714_558_530_123_000L);
    assertThat(IsoTemporals.microsOfEpochMillis(-1)).isEqualTo(-1000L);
    assertThat(IsoTemporals.microsOfEpochMillis(Long.MAX_VALUE / 1000))
        .isEqualTo(Long.MAX_VALUE / 1000 * 1000);
    for (long millis : new long[] {Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE / 1000 + 1}) {
      ValueException e =
          refusal(() -> IsoTemporals.microsOfEpochMillis(millis), Long.toString(millis));
      assertThat(e.toBadMessage().reason()).isEqualTo(OUT_OF_RANGE);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  private static int epochDay(int year, int month, int day) {
    return (int) LocalDate.of(year, month, day).toEpochDay();
  }

  private static long micros(Instant instant) {
    return Math.addExact(
        Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1000);
  }

  private static ValueException refusal(Runnable call, String input) {
    ValueException e = catchThrowableOfType(call::run, ValueException.class);
    assertThat(e).as("expected '" + input + "' to be refused").isNotNull();
    return e;
  }
}
