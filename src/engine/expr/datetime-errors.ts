/** Spark's error classes for bad date/time input (field ranges, unparsable text, unknown zones). */
import { PerennialError } from '../../core/errors.js';

const ANSI_HINT = 'If necessary set "spark.sql.ansi.enabled" to "false" to bypass this error.';

/** A date/time field outside its range, e.g. `MonthOfYear (valid values 1 - 12): 13`. */
export function datetimeFieldOutOfBounds(rangeMessage: string): PerennialError {
  return new PerennialError(
    'DATETIME_FIELD_OUT_OF_BOUNDS.WITH_SUGGESTION',
    `[DATETIME_FIELD_OUT_OF_BOUNDS.WITH_SUGGESTION] ${rangeMessage}. ${ANSI_HINT} SQLSTATE: 22023`,
    { messageParameters: { rangeMessage, ansiConfig: '"spark.sql.ansi.enabled"' } },
  );
}

export function cannotParseTimestamp(text: string, fn: string): PerennialError {
  const message = `Text '${text}' could not be parsed at index 0`;
  return new PerennialError(
    'CANNOT_PARSE_TIMESTAMP',
    `[CANNOT_PARSE_TIMESTAMP] ${message}. Use \`${fn}\` to tolerate invalid input string and return NULL instead. SQLSTATE: 22007`,
    { messageParameters: { message, func: `\`${fn}\`` } },
  );
}

export function cannotParseTime(text: string, format: string | undefined): PerennialError {
  const fmt = format === undefined ? 'HH:mm:ss[.SSSSSS]' : format;
  return new PerennialError(
    'CANNOT_PARSE_TIME',
    `[CANNOT_PARSE_TIME] The input string '${text}' cannot be parsed to a TIME value because it does not match to the datetime format '${fmt}'. SQLSTATE: 22010`,
    { messageParameters: { input: `'${text}'`, format: `'${fmt}'` } },
  );
}

export function invalidTimeZone(zone: string): PerennialError {
  return new PerennialError(
    'INVALID_TIMEZONE',
    `[INVALID_TIMEZONE] The timezone: ${zone} is invalid. The timezone must be either a region-based zone ID or a zone offset. Region IDs must have the form 'area/city', such as 'America/Los_Angeles'. Zone offsets must be in the format '(+|-)HH', '(+|-)HH:mm' or '(+|-)HH:mm:ss', e.g '-08', '+01:00' or '-13:33:33', and must be in the range from -18:00 to +18:00. 'Z' and 'UTC' are accepted as synonyms for '+00:00'. SQLSTATE: 22009`,
    { messageParameters: { timeZone: zone } },
  );
}

/** An invalid unit argument (time_trunc, time_diff, date_trunc-like functions). */
export function invalidUnit(fn: string, unit: string): PerennialError {
  return new PerennialError(
    'INVALID_PARAMETER_VALUE.TIME_UNIT',
    `[INVALID_PARAMETER_VALUE.TIME_UNIT] The value of parameter(s) \`unit\` in \`${fn}\` is invalid: expects one of the units 'HOUR', 'MINUTE', 'SECOND', 'MILLISECOND', 'MICROSECOND', but got '${unit}'. SQLSTATE: 22023`,
    { messageParameters: { parameter: '`unit`', functionName: `\`${fn}\``, invalidValue: `'${unit}'` } },
  );
}
