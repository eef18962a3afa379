package io.floe.loader.parse;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import org.apache.flink.table.data.DecimalData;

/** The JSON mapping of the numeric types: a number must fit its column exactly or is refused. */
final class NumberReaders {
  private NumberReaders() {}

  static Object readInt(JsonParser parser) throws IOException {
    return exactInt(wholeNumber(parser));
  }

  static Object readLong(JsonParser parser) throws IOException {
    return exactLong(wholeNumber(parser));
  }

  static int exactInt(Number number) {
    if (number instanceof Integer) {
      return (Integer) number;
    }
    long value = exactLong(number);
    if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
      throw ValueException.outOfRange(value + " does not fit an int (32 bits)");
    }
    return (int) value;
  }

  static long exactLong(Number number) {
    if (number instanceof Integer || number instanceof Long) {
      return number.longValue();
    }
    BigInteger big = (BigInteger) number;
    if (big.bitLength() > 63) {
      throw ValueException.outOfRange(
          ValueReaders.abbreviate(big.toString()) + " does not fit a long (64 bits)");
    }
    return big.longValue();
  }

  /** A JSON integer, or a JSON number with no fractional part (3.0, 1e3), that fits 64 bits. */
  static Number wholeNumber(JsonParser parser) throws IOException {
    JsonToken token = parser.currentToken();
    if (token == JsonToken.VALUE_NUMBER_INT) {
      JsonParser.NumberType type = parser.getNumberType();
      if (type == JsonParser.NumberType.INT) {
        return parser.getIntValue();
      }
      if (type == JsonParser.NumberType.LONG) {
        return parser.getLongValue();
      }
      throw ValueException.outOfRange(
          ValueReaders.abbreviate(parser.getText()) + " does not fit a long (64 bits)");
    }
    if (token == JsonToken.VALUE_NUMBER_FLOAT) {
      BigDecimal value = exactDecimal(parser);
      if (value.signum() == 0) {
        return 0;
      }
      // Decide by digit counts first: building 1e10000000 as an integer would take seconds.
      if (value.precision() - value.scale() > 19) {
        throw ValueException.outOfRange(
            ValueReaders.abbreviate(parser.getText()) + " does not fit a long (64 bits)");
      }
      BigDecimal stripped = value.stripTrailingZeros();
      if (stripped.scale() > 0) {
        throw ValueException.wrongType("a whole number", ValueReaders.abbreviate(parser.getText()));
      }
      BigInteger integer = stripped.toBigIntegerExact();
      if (integer.bitLength() > 63) {
        throw ValueException.outOfRange(
            ValueReaders.abbreviate(parser.getText()) + " does not fit a long (64 bits)");
      }
      return integer.longValue();
    }
    throw ValueException.wrongType("a whole number", ValueReaders.describe(parser));
  }

  /** The number exactly as written; exponents beyond what BigDecimal holds are out of range. */
  private static BigDecimal exactDecimal(JsonParser parser) throws IOException {
    try {
      return parser.getDecimalValue();
    } catch (NumberFormatException | ArithmeticException e) {
      throw ValueException.outOfRange(
          ValueReaders.abbreviate(parser.getText()) + " is out of range");
    }
  }

  static Number parseInteger(String text) {
    if (text.length() > 20) {
      throw ValueException.outOfRange(
          ValueReaders.abbreviate(text) + " does not fit a long (64 bits)");
    }
    try {
      return new BigInteger(text);
    } catch (NumberFormatException e) {
      throw ValueException.wrongType("a whole number", "'" + ValueReaders.abbreviate(text) + "'");
    }
  }

  static Object readFloat(JsonParser parser) throws IOException {
    double value = number(parser);
    if (Math.abs(value) > Float.MAX_VALUE) {
      throw ValueException.outOfRange(
          ValueReaders.abbreviate(parser.getText()) + " does not fit a float");
    }
    if ((float) value == 0 && exactDecimal(parser).signum() != 0) {
      throw ValueException.outOfRange(
          ValueReaders.abbreviate(parser.getText()) + " is too small for a float (underflow)");
    }
    return (float) value;
  }

  static Object readDouble(JsonParser parser) throws IOException {
    return number(parser);
  }

  private static double number(JsonParser parser) throws IOException {
    JsonToken token = parser.currentToken();
    if (token != JsonToken.VALUE_NUMBER_FLOAT && token != JsonToken.VALUE_NUMBER_INT) {
      throw ValueException.wrongType("a number", ValueReaders.describe(parser));
    }
    double value = parser.getDoubleValue();
    if (Double.isInfinite(value)) {
      throw ValueException.outOfRange(
          ValueReaders.abbreviate(parser.getText()) + " does not fit a double");
    }
    if (value == 0 && exactDecimal(parser).signum() != 0) {
      throw ValueException.outOfRange(
          ValueReaders.abbreviate(parser.getText()) + " is too small for a double (underflow)");
    }
    return value;
  }

  static Object readDecimal(JsonParser parser, int precision, int scale) throws IOException {
    JsonToken token = parser.currentToken();
    BigDecimal value;
    if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
      value = exactDecimal(parser);
    } else if (token == JsonToken.VALUE_STRING) {
      String text = parser.getText();
      try {
        value = new BigDecimal(text);
      } catch (NumberFormatException | ArithmeticException e) {
        throw ValueException.wrongType(
            "a decimal number", "'" + ValueReaders.abbreviate(text) + "'");
      }
    } else {
      throw ValueException.wrongType("a decimal number", ValueReaders.describe(parser));
    }
    if (value.signum() != 0 && value.precision() - value.scale() > precision - scale) {
      throw ValueException.outOfRange(
          ValueReaders.abbreviate(parser.getText())
              + " has more than "
              + (precision - scale)
              + " digits before the decimal point (decimal("
              + precision
              + ","
              + scale
              + "))");
    }
    if (value.scale() > scale && value.stripTrailingZeros().scale() > scale) {
      throw ValueException.outOfRange(
          ValueReaders.abbreviate(parser.getText())
              + " has more than "
              + scale
              + " fractional digits");
    }
    return DecimalData.fromBigDecimal(value.setScale(scale), precision, scale);
  }
}
