/**
 * aes_encrypt / aes_decrypt / try_aes_decrypt with Spark's layouts: GCM = iv(12) ‖ ciphertext ‖ tag(16),
 * CBC = iv(16) ‖ ciphertext (PKCS#7), ECB = ciphertext (PKCS#7).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { PerennialError } from '../../../core/errors.js';
import type { RExpr } from '../../plan/logical-plan.js';
import { T } from '../../plan/type-utils.js';
import { invalidParameterValue } from './fn-errors.js';
import { coerceArgs } from './helpers.js';
import { type ResolveContext, register } from './registry.js';

type Mode = 'GCM' | 'CBC' | 'ECB';

function aesMode(mode: string, padding: string, fn: string): Mode {
  const m = mode.toUpperCase();
  const p = padding.toUpperCase();
  const ok = (m === 'GCM' && (p === 'NONE' || p === 'DEFAULT')) || ((m === 'CBC' || m === 'ECB') && (p === 'PKCS' || p === 'DEFAULT'));
  if (!ok)
    throw new PerennialError('UNSUPPORTED_FEATURE.AES_MODE', `[UNSUPPORTED_FEATURE.AES_MODE] The feature is not supported: AES-${mode} with the padding ${padding} by the \`${fn}\` function. SQLSTATE: 0A000`, {
      sqlState: '0A000',
      messageParameters: { mode, padding, functionName: `\`${fn}\`` },
    });
  return m as Mode;
}

function cipherName(key: Uint8Array, mode: Mode, fn: string): string {
  if (key.length !== 16 && key.length !== 24 && key.length !== 32)
    throw invalidParameterValue('AES_KEY_LENGTH', fn, '`key`', `expects a binary value with 16, 24 or 32 bytes, but got ${key.length} bytes.`);
  return `aes-${key.length * 8}-${mode.toLowerCase()}`;
}

const cryptoError = (fn: string, detail: string) => invalidParameterValue('AES_CRYPTO_ERROR', fn, '`expr`, `key`', `detail message: ${detail}`);

export function aesEncrypt(input: Uint8Array, key: Uint8Array, modeText: string, padding: string, iv: Uint8Array, aad: Uint8Array): Uint8Array {
  const fn = 'aes_encrypt';
  const mode = aesMode(modeText, padding, fn);
  const name = cipherName(key, mode, fn);
  if (mode === 'ECB') {
    if (iv.length > 0) throw invalidParameterValue('AES_IV_LENGTH', fn, '`iv`', 'ECB mode does not use an initialization vector.');
    const c = createCipheriv(name, key, null);
    return new Uint8Array(Buffer.concat([c.update(input), c.final()]));
  }
  const ivLen = mode === 'GCM' ? 12 : 16;
  const theIv = iv.length === 0 ? randomBytes(ivLen) : iv;
  if (theIv.length !== ivLen)
    throw invalidParameterValue('AES_IV_LENGTH', fn, '`iv`', `${mode} mode requires a ${ivLen}-byte initialization vector, but got ${theIv.length} bytes.`);
  if (mode === 'GCM') {
    const c = createCipheriv(name as 'aes-128-gcm', key, theIv);
    if (aad.length) c.setAAD(aad);
    const body = Buffer.concat([c.update(input), c.final()]);
    return new Uint8Array(Buffer.concat([theIv, body, c.getAuthTag()]));
  }
  if (aad.length) throw invalidParameterValue('AES_AAD', fn, '`aad`', 'CBC mode does not support additional authenticated data.');
  const c = createCipheriv(name, key, theIv);
  return new Uint8Array(Buffer.concat([theIv, c.update(input), c.final()]));
}

/** The plaintext, or an Error describing why decryption failed. */
export function aesDecrypt(input: Uint8Array, key: Uint8Array, modeText: string, padding: string, aad: Uint8Array): Uint8Array | Error {
  const fn = 'aes_decrypt';
  const mode = aesMode(modeText, padding, fn);
  const name = cipherName(key, mode, fn);
  try {
    if (mode === 'ECB') {
      const d = createDecipheriv(name, key, null);
      return new Uint8Array(Buffer.concat([d.update(input), d.final()]));
    }
    if (mode === 'GCM') {
      if (input.length < 28) return new Error('Input too short');
      const d = createDecipheriv(name as 'aes-128-gcm', key, input.subarray(0, 12));
      if (aad.length) d.setAAD(aad);
      d.setAuthTag(input.subarray(input.length - 16));
      return new Uint8Array(Buffer.concat([d.update(input.subarray(12, input.length - 16)), d.final()]));
    }
    if (input.length < 16) return new Error('Input too short');
    const d = createDecipheriv(name, key, input.subarray(0, 16));
    return new Uint8Array(Buffer.concat([d.update(input.subarray(16)), d.final()]));
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}

const lit = (value: unknown, type = T.string, sql = String(value)): RExpr => ({ k: 'lit', value, type, nullable: false, sql });

/** Fills the omitted optional arguments (Spark shows them in the generated name). */
function withDefaults(args: RExpr[], defaults: RExpr[], first: number): RExpr[] {
  return [...args, ...defaults.slice(args.length - first)];
}

function resolveAes(args: RExpr[], ctx: ResolveContext, called: string, encrypt: boolean) {
  const empty = lit(new Uint8Array(0), T.binary, '');
  const defaults = encrypt ? [lit('GCM'), lit('DEFAULT'), empty, empty] : [lit('GCM'), lit('DEFAULT'), empty];
  const full = withDefaults(args, defaults, 2);
  const specs = encrypt ? [T.binary, T.binary, 'string', 'string', T.binary, T.binary] : [T.binary, T.binary, 'string', 'string', T.binary];
  const coerced = coerceArgs(called, full, specs as never, ctx);
  const sql = `${called}(${full.map((a) => a.sql).join(', ')})`;
  return { args: coerced, type: T.binary, nullable: true, sql };
}

register({
  name: 'aes_encrypt',
  arity: [2, 6],
  resolve: (args, ctx, called) => resolveAes(args, ctx, called, true),
  row: ([input, key, mode, padding, iv, aad]) =>
    aesEncrypt(input as Uint8Array, key as Uint8Array, mode as string, padding as string, iv as Uint8Array, aad as Uint8Array),
});

for (const [name, tolerant] of [
  ['aes_decrypt', false],
  ['try_aes_decrypt', true],
] as const) {
  register({
    name,
    arity: [2, 5],
    resolve: (args, ctx, called) => resolveAes(args, ctx, called, false),
    row: ([input, key, mode, padding, aad]) => {
      let r: Uint8Array | Error;
      try {
        r = aesDecrypt(input as Uint8Array, key as Uint8Array, mode as string, padding as string, aad as Uint8Array);
      } catch (e) {
        if (tolerant) return null;
        throw e;
      }
      if (!(r instanceof Error)) return r;
      if (tolerant) return null;
      throw cryptoError('aes_decrypt', r.message);
    },
  });
}
