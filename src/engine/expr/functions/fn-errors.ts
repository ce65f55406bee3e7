/** Spark error classes raised by the string, format, JSON, URL and crypto function kernels. */
import { PerennialError } from '../../../core/errors.js';

export function invalidUtf8(bytes: Uint8Array): PerennialError {
  const str = Array.from(bytes, (b) => `\\x${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  return new PerennialError('INVALID_UTF8_STRING', `[INVALID_UTF8_STRING] Invalid UTF8 byte sequence found in string: ${str}. SQLSTATE: 22029`, {
    sqlState: '22029',
    messageParameters: { str },
  });
}

export function invalidParameterValue(sub: string, functionName: string, parameter: string, detail: string): PerennialError {
  return new PerennialError(
    `INVALID_PARAMETER_VALUE.${sub}`,
    `[INVALID_PARAMETER_VALUE.${sub}] The value of parameter(s) ${parameter} in \`${functionName}\` is invalid: ${detail} SQLSTATE: 22023`,
    { sqlState: '22023', messageParameters: { parameter, functionName: `\`${functionName}\`` } },
  );
}

/** `INVALID_FORMAT.*`: a to_number/to_char format string that Spark rejects at analysis. */
export function invalidNumberFormat(sub: string, format: string, detail: string): PerennialError {
  return new PerennialError('INVALID_FORMAT', `[INVALID_FORMAT.${sub}] The format is invalid: '${format}'. ${detail} SQLSTATE: 42601`, {
    sqlState: '42601',
    messageParameters: { format: `'${format}'` },
  });
}

/** An input that does not match its to_number/to_char format. */
export function formatMismatch(inputType: string, input: string, format: string): PerennialError {
  return new PerennialError(
    'INVALID_FORMAT.MISMATCH_INPUT',
    `[INVALID_FORMAT.MISMATCH_INPUT] The input ${inputType} '${input}' does not match the format. The format is invalid: '${format}'. SQLSTATE: 42601`,
    { sqlState: '42601', messageParameters: { inputType, input, format } },
  );
}

export function invalidUrl(url: string): PerennialError {
  return new PerennialError(
    'INVALID_URL',
    `[INVALID_URL] The url is invalid: ${url}. Use \`try_parse_url\` to tolerate invalid URL and return NULL instead. SQLSTATE: 22P02`,
    { sqlState: '22P02', messageParameters: { url, ansiConfig: '"spark.sql.ansi.enabled"' } },
  );
}

export function malformedRecord(badRecord: string, failFastMode = 'FAILFAST'): PerennialError {
  return new PerennialError(
    'MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION',
    `[MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION] Malformed records are detected in record parsing: ${badRecord}.\nParse Mode: ${failFastMode}. To process malformed records as null result, try setting the option 'mode' as 'PERMISSIVE'. SQLSTATE: 22023`,
    { sqlState: '22023', messageParameters: { badRecord, failFastMode } },
  );
}

/** `INVALID_SCHEMA.*`: the schema argument of from_json/from_csv. */
export function invalidSchema(sub: 'NON_STRING_LITERAL' | 'PARSE_ERROR', inputSchema: string): PerennialError {
  const detail = sub === 'NON_STRING_LITERAL' ? 'must be a string literal.' : 'cannot be parsed.';
  return new PerennialError(`INVALID_SCHEMA.${sub}`, `[INVALID_SCHEMA.${sub}] The input schema ${inputSchema} is not a valid schema string. The input expression ${detail} SQLSTATE: 42K07`, {
    sqlState: '42K07',
    messageParameters: { inputSchema },
  });
}
