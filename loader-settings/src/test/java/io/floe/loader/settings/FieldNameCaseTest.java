package io.floe.loader.settings;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FieldNameCaseTest {
  @ParameterizedTest
  @CsvSource({
    "userId, user_id",
    "UserId, user_id",
    "userID, user_id",
    "HTTPStatus, http_status",
    "user-id, user_id",
    "already_snake, already_snake",
    "id, id",
    "address2Line, address2_line",
  })
  void lowerUnderscore(String input, String expected) {
    assertThat(FieldNameCase.LOWER_UNDERSCORE.convert(input)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"user_id, userId", "user-id, userId", "UserId, userId", "_private, private"})
  void lowerCamel(String input, String expected) {
    assertThat(FieldNameCase.LOWER_CAMEL.convert(input)).isEqualTo(expected);
  }
}
