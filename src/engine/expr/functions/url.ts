/** URL functions: parse_url/try_parse_url (java.net.URI's view of a URL), url_encode, url_decode. */
import { PerennialError } from '../../../core/errors.js';
import { T } from '../../plan/type-utils.js';
import { invalidUrl } from './fn-errors.js';
import { defRow } from './helpers.js';

interface UriParts {
  scheme: string | null;
  authority: string | null;
  userInfo: string | null;
  host: string | null;
  path: string;
  query: string | null;
  fragment: string | null;
}

// Characters java.net.URI accepts unescaped anywhere (RFC 2396 unreserved + reserved), plus `%XX`.
const URI_TEXT = /^(?:[A-Za-z0-9\-_.!~*'();/?:@&=+$,[\]#]|%[0-9A-Fa-f]{2})*$/;

/** RFC 2396 parse as java.net.URI does it; null when the URI is malformed. */
export function parseUri(s: string): UriParts | null {
  if (!URI_TEXT.test(s)) return null;
  const m = /^(?:([^:/?#]+):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/.exec(s);
  if (!m) return null;
  const scheme = m[1] ?? null;
  if (scheme !== null && !/^[A-Za-z][A-Za-z0-9+.-]*$/.test(scheme)) return null;
  if ((m[5] ?? '').includes('#')) return null;
  const authority = m[2] ?? null;
  let userInfo: string | null = null;
  let host: string | null = null;
  if (authority !== null) {
    const at = authority.lastIndexOf('@');
    userInfo = at >= 0 ? authority.slice(0, at) : null;
    const hostPort = at >= 0 ? authority.slice(at + 1) : authority;
    const hm = /^(\[[^\]]+\]|[A-Za-z0-9.-]*)(?::(\d*))?$/.exec(hostPort);
    host = hm && hm[1] !== '' ? hm[1]! : null;
  }
  return { scheme, authority, userInfo, host, path: m[3] ?? '', query: m[4] ?? null, fragment: m[5] ?? null };
}

function urlPart(u: UriParts, part: string, key: string | undefined): string | null {
  switch (part) {
    case 'HOST':
      return u.host;
    case 'PATH':
      return u.path;
    case 'QUERY': {
      if (key === undefined) return u.query;
      if (u.query === null) return null;
      const m = new RegExp(`(?:&|^)${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}=([^&]*)`).exec(u.query);
      return m ? m[1]! : null;
    }
    case 'REF':
      return u.fragment;
    case 'PROTOCOL':
      return u.scheme;
    case 'FILE':
      return u.query !== null ? `${u.path}?${u.query}` : u.path;
    case 'AUTHORITY':
      return u.authority;
    case 'USERINFO':
      return u.userInfo;
    default:
      return null;
  }
}

for (const [name, tolerant] of [
  ['parse_url', false],
  ['try_parse_url', true],
] as const) {
  defRow(name, {
    args: ['string', 'string', 'string'],
    arity: [2, 3],
    ret: T.string,
    nullable: true,
    row: ([url, part, key], ctx) => {
      const u = parseUri(url as string);
      if (u === null) {
        if (!tolerant && ctx.ansi) throw invalidUrl(url as string);
        return null;
      }
      return urlPart(u, part as string, key as string | undefined);
    },
  });
}

/** java.net.URLEncoder with UTF-8: letters, digits and `.-*_` kept, space → `+`. */
export function urlEncode(s: string): string {
  let out = '';
  for (const b of new TextEncoder().encode(s)) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9.\-*_]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** java.net.URLDecoder with UTF-8; null when a `%` escape is malformed. */
export function urlDecode(s: string): string | null {
  const bytes: number[] = [];
  const enc = new TextEncoder();
  for (let i = 0; i < s.length; ) {
    const c = s[i]!;
    if (c === '+') {
      bytes.push(0x20);
      i++;
    } else if (c === '%') {
      const h = s.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(h)) return null;
      bytes.push(Number.parseInt(h, 16));
      i += 3;
    } else {
      const cp = s.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      bytes.push(...enc.encode(ch));
      i += ch.length;
    }
  }
  return new TextDecoder().decode(Uint8Array.from(bytes));
}

defRow('url_encode', { args: ['string'], ret: T.string, row: ([s]) => urlEncode(s as string) });
defRow('url_decode', {
  args: ['string'],
  ret: T.string,
  row: ([s]) => {
    const r = urlDecode(s as string);
    if (r === null)
      throw new PerennialError('CANNOT_DECODE_URL', `[CANNOT_DECODE_URL] The provided URL cannot be decoded: ${s as string}. Please ensure that the URL is properly formatted and try again. SQLSTATE: 22546`, {
        sqlState: '22546',
        messageParameters: { url: s as string },
      });
    return r;
  },
});
defRow('try_url_decode', { args: ['string'], ret: T.string, nullable: true, row: ([s]) => urlDecode(s as string) });
