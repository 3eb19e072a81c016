// @ts-check
/**
 * @file dial-link.js  Turn a sip:/sips:/tel:/callto: link from the OS into something safe to dial
 *
 * The OS hands the app a link (the `second-instance` argv on Windows and Linux, `open-url` on
 * macOS) that any web page or document may have written. parseDialLink() reads it strictly and
 * returns either a target the widget can dial or a stable reason code. It has no dependency on
 * Electron and no side effects, so it is tested in plain Node. The caller always asks the user
 * before dialling and shows `display` in that dialog.
 *
 * Accepted (scheme case-insensitive):
 *   sip:bob@example.com, sips:bob@example.com   RFC 3261 19.1; target sip:bob@example.com
 *   sip:bob                                      no "@": a user in the account's domain; target bob
 *   tel:+1 (555) 010-9999                        RFC 3966 global number; target +15550109999
 *   tel:*31#                                     local number: digits, "*" and "#" only
 *   callto:bob, callto://bob, callto:+1555...    the old Skype forms: a name, a user@host as for
 *                                                sip:, or a +number as for tel:
 *
 * The target is one of: `sip:user@host[:port]` / `sips:...`, a bare user name, a `+digits`
 * number or a local number of digits, `*` and `#`. It never holds `;`, `?`, `<`, `>`, quotes,
 * spaces, `%` or control characters.
 *
 * What the parser drops or refuses:
 *   - URI parameters (`;transport=udp`, `;user=phone`, tel's `;ext=` and `;phone-context=`) are
 *     dropped, since the phone dials over its own wss:// transport through its own server. Their
 *     names are listed, lower-case, in the result's `dropped` so the dialog can say so.
 *   - A header part (`?Subject=...`) is refused: headers would be copied into the INVITE.
 *   - Percent-escapes in a user part are decoded when the character may stand there unescaped
 *     (`%62ob` is bob). Any other escape is refused: we never re-encode, so what the dialog shows
 *     is exactly what is dialled. Escapes in a host are refused.
 *   - A password in the user part (`sip:bob:secret@host`) is refused (RFC 3261 19.1.1 advises
 *     against it).
 *   - A port is kept in the target and shown; the host alone decides which server it is.
 *
 * The account's domain (options):
 *   domain              the account's SIP domain, e.g. 'example.com' (a host name, an IPv4
 *                       address or an IPv6 address with or without brackets)
 *   allowOtherDomains   default false: a link naming any other host is refused 'other-server',
 *                       so a link cannot silently route a call elsewhere. Hosts are compared
 *                       case-insensitively, without a trailing dot, IPv6 in canonical form, ports
 *                       ignored; subdomains are other hosts. With no domain given, every link
 *                       that names a host is 'other-server' unless allowOtherDomains is true.
 *
 * Reasons, checked in this order (the first that applies is returned):
 *   'not-a-string'        the link is not a string
 *   'too-long'            more than MAX_LINK_LENGTH (256) characters
 *   'unsupported-scheme'  no scheme, or one other than sip, sips, tel, callto (javascript:,
 *                         data:, file:, http(s): ...)
 *   'header-injection'    a `?` part holding CR or LF, raw or as %0d / %0a
 *   'control-character'   a raw or percent-encoded C0 control character or DEL (%00-%1f, %7f)
 *   'non-ascii'           a raw character outside printable ASCII or an escape of %80-%ff:
 *                         SIP and tel URIs are ASCII, and look-alike letters or bidi controls
 *                         could disguise the target in the dialog
 *   'has-headers'         any other `?` part
 *   'empty'               nothing to dial: no user, no host after "@", or no digits
 *   'invalid-uri'         a sip/sips/callto link that is not a user, user@host or user@host:port
 *                         by RFC 3261 25.1 (characters, escapes, password, host, port, params)
 *   'invalid-number'      a tel (or callto:+) number with letters, a misplaced "+", more than 15
 *                         digits (E.164), or malformed parameters
 *   'other-server'        the host is not the account's domain (see above)
 */
'use strict';

/** The longest link read at all, in UTF-16 code units: a phone number or address is far shorter */
const MAX_LINK_LENGTH = 256;

/** The longest `display`; a longer target is shown with an ellipsis in the middle */
const MAX_DISPLAY_LENGTH = 80;

/** ITU-T E.164: at most 15 digits after the "+" */
const MAX_E164_DIGITS = 15;

/**
 * Every reason code parseDialLink() may return. The set is closed: callers may switch on it.
 * @type {readonly DialLinkReason[]}
 */
const REASONS = Object.freeze(/** @type {const} */ ([
  'not-a-string', 'too-long', 'unsupported-scheme', 'header-injection', 'control-character',
  'non-ascii', 'has-headers', 'empty', 'invalid-uri', 'invalid-number', 'other-server',
]));

/**
 * @typedef {'not-a-string' | 'too-long' | 'unsupported-scheme' | 'header-injection'
 *   | 'control-character' | 'non-ascii' | 'has-headers' | 'empty' | 'invalid-uri'
 *   | 'invalid-number' | 'other-server'} DialLinkReason
 */

/** @typedef {'sip' | 'sips' | 'tel' | 'callto'} DialLinkScheme */

/**
 * @typedef {object} DialLinkOk
 * @property {true} ok
 * @property {string} target what the widget dials (see the file comment)
 * @property {DialLinkScheme} scheme the link's scheme, lower-case
 * @property {string} display the target for the confirmation dialog: printable ASCII plus at most
 *   one "…", at most MAX_DISPLAY_LENGTH characters
 * @property {string[]} dropped names of the URI parameters that were ignored, lower-case
 */

/**
 * @typedef {object} DialLinkRefused
 * @property {false} ok
 * @property {DialLinkReason} reason
 */

/** @typedef {DialLinkOk | DialLinkRefused} DialLinkResult */

/**
 * @typedef {object} DialLinkOptions
 * @property {string} [domain] the account's SIP domain, e.g. 'example.com'
 * @property {boolean} [allowOtherDomains] accept links naming another host (default false)
 */

/** The schemes we read, lower-case */
const SCHEMES = new Set(['sip', 'sips', 'tel', 'callto']);

/** RFC 3986 3.1 scheme, then ":" */
const SCHEME_RE = /^([A-Za-z][A-Za-z0-9+.-]*):/;

/** C0 controls and DEL, raw or percent-encoded */
const CONTROL_RE = /[\x00-\x1f\x7f]|%(?:[01][0-9a-f]|7f)/i;

/** CR or LF, raw or percent-encoded */
const CRLF_RE = /[\r\n]|%0[da]/i;

/** Outside printable ASCII, raw or as an escape of a byte >= 0x80 */
const NON_ASCII_RE = /[^\x20-\x7e]|%[89a-f][0-9a-f]/i;

/**
 * RFC 3261 25.1 user: unreserved / user-unreserved, without ";" and "?" (they start parameters
 * and headers), without "'" (no quotes in a target) and without ":" (password)
 */
const USER_CHAR_RE = /^[A-Za-z0-9\-_.!~*()&=+$,/]$/;

/** RFC 3261 25.1 uri-parameter: pname["=" pvalue], both 1*paramchar */
const PARAM_RE = /^([A-Za-z0-9\-_.!~*'()[\]/:&+$]|%[0-9A-Fa-f]{2})+(=([A-Za-z0-9\-_.!~*'()[\]/:&+$]|%[0-9A-Fa-f]{2})+)?$/;

/** RFC 3966 number characters after decoding: "+" first for a global number, visual separators */
const GLOBAL_NUMBER_RE = /^\+[0-9 \-.()]*$/;
const LOCAL_NUMBER_RE = /^[0-9*# \-.()]*$/;
const SEPARATORS_RE = /[ \-.()]/g;

/** A refusal thrown inside the parser and turned into a result by parseDialLink() */
class Refusal {
  /** @param {DialLinkReason} reason */
  constructor(reason) {
    this.reason = reason;
  }
}

/**
 * @param {DialLinkReason} reason
 * @returns {never}
 */
function refuse(reason) {
  throw new Refusal(reason);
}

/**
 * Parse a link the OS handed the app.
 * @param {unknown} link the URL from argv or `open-url`
 * @param {DialLinkOptions} [options]
 * @returns {DialLinkResult} a target to confirm with the user and dial, or why not
 * @throws {TypeError} when options.domain is given but is not a host name or IP address
 */
function parseDialLink(link, options = {}) {
  const domain = options.domain === undefined ? null : accountDomain(options.domain);
  const policy = { domain, allowOtherDomains: options.allowOtherDomains === true };
  try {
    const { target, scheme, dropped } = parse(link, policy);
    return { ok: true, target, scheme, display: displayForm(target), dropped };
  } catch (e) {
    if (e instanceof Refusal) {
      return { ok: false, reason: e.reason };
    }
    throw e;
  }
}

/**
 * @typedef {object} Policy
 * @property {string | null} domain the account's domain, canonical (see canonicalHost)
 * @property {boolean} allowOtherDomains
 */

/**
 * @param {unknown} link
 * @param {Policy} policy
 * @returns {{ target: string, scheme: DialLinkScheme, dropped: string[] }}
 */
function parse(link, policy) {
  if (typeof link !== 'string') {
    refuse('not-a-string');
  }
  if (link.length > MAX_LINK_LENGTH) {
    refuse('too-long');
  }
  const m = SCHEME_RE.exec(link);
  const scheme = m ? m[1].toLowerCase() : '';
  if (!isScheme(scheme)) {
    refuse('unsupported-scheme');
  }
  const query = link.indexOf('?');
  if (query !== -1 && CRLF_RE.test(link.slice(query))) {
    refuse('header-injection');
  }
  if (CONTROL_RE.test(link)) {
    refuse('control-character');
  }
  if (NON_ASCII_RE.test(link)) {
    refuse('non-ascii');
  }
  if (query !== -1) {
    refuse('has-headers');
  }
  const rest = link.slice(scheme.length + 1);
  switch (scheme) {
    case 'sip':
    case 'sips':
      return { scheme, ...parseSip(rest, scheme, policy) };
    case 'tel':
      return { scheme, ...parseTel(rest) };
    case 'callto':
      return { scheme, ...parseCallto(rest, policy) };
  }
}

/**
 * @param {string} scheme lower-case
 * @returns {scheme is DialLinkScheme}
 */
function isScheme(scheme) {
  return SCHEMES.has(scheme);
}

/**
 * RFC 3261 19.1.1 without headers: user, or user@host[:port], then ;parameters.
 * @param {string} rest what follows "sip:" / "sips:"
 * @param {'sip' | 'sips'} scheme the scheme of the target
 * @param {Policy} policy
 * @returns {{ target: string, dropped: string[] }}
 */
function parseSip(rest, scheme, policy) {
  const semi = rest.indexOf(';');
  const address = semi === -1 ? rest : rest.slice(0, semi);
  const dropped = semi === -1 ? [] : paramNames(rest.slice(semi + 1), 'invalid-uri');
  const at = address.indexOf('@');
  if (at === -1) {
    if (address === '') {
      refuse('empty');
    }
    return { target: user(address), dropped };
  }
  const userPart = address.slice(0, at);
  const hostPort = address.slice(at + 1);
  if (userPart === '' || hostPort === '') {
    refuse('empty');
  }
  const name = user(userPart);
  const { host, port } = splitHostPort(hostPort);
  if (!policy.allowOtherDomains && host !== policy.domain) {
    refuse('other-server');
  }
  return { target: `${scheme}:${name}@${host}${port === null ? '' : `:${port}`}`, dropped };
}

/**
 * RFC 3966 3: a global or local number, then ;parameters.
 * @param {string} rest what follows "tel:"
 * @returns {{ target: string, dropped: string[] }}
 */
function parseTel(rest) {
  const semi = rest.indexOf(';');
  const number = semi === -1 ? rest : rest.slice(0, semi);
  const dropped = semi === -1 ? [] : paramNames(rest.slice(semi + 1), 'invalid-number');
  return { target: phoneNumber(number), dropped };
}

/**
 * callto:name, callto://name[/], callto:user@host, callto:+number.
 * @param {string} rest what follows "callto:"
 * @param {Policy} policy
 * @returns {{ target: string, dropped: string[] }}
 */
function parseCallto(rest, policy) {
  let s = rest;
  if (s.startsWith('//')) {
    s = s.slice(2);
    if (s.endsWith('/')) {
      s = s.slice(0, -1);
    }
  }
  return s.startsWith('+') ? parseTel(s) : parseSip(s, 'sip', policy);
}

/**
 * A user part, with escapes of allowed characters decoded.
 * @param {string} s raw user part (no "@", ";" or "?")
 * @returns {string}
 */
function user(s) {
  let out = '';
  for (const c of decode(s, 'invalid-uri')) {
    if (!USER_CHAR_RE.test(c)) {
      refuse('invalid-uri');
    }
    out += c;
  }
  return out;
}

/**
 * A tel number with its visual separators removed.
 * @param {string} s raw number (no ";" or "?")
 * @returns {string} +digits, or digits, "*" and "#"
 */
function phoneNumber(s) {
  const decoded = decode(s, 'invalid-number').join('');
  if (!GLOBAL_NUMBER_RE.test(decoded) && !LOCAL_NUMBER_RE.test(decoded)) {
    refuse('invalid-number');
  }
  const number = decoded.replace(SEPARATORS_RE, '');
  if (number === '') {
    refuse('empty');
  }
  if (number.startsWith('+') && !new RegExp(`^\\+[0-9]{1,${MAX_E164_DIGITS}}$`).test(number)) {
    refuse('invalid-number');
  }
  return number;
}

/**
 * Split into characters, each %HH decoded to the character it stands for.
 * Control and non-ASCII escapes were refused before, so each decodes to printable ASCII.
 * @param {string} s
 * @param {DialLinkReason} reason for a malformed escape
 * @returns {string[]}
 */
function decode(s, reason) {
  /** @type {string[]} */
  const out = [];
  for (let i = 0; i < s.length; ++i) {
    if (s[i] !== '%') {
      out.push(s[i]);
      continue;
    }
    const hex = s.slice(i + 1, i + 3);
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) {
      refuse(reason);
    }
    out.push(String.fromCharCode(parseInt(hex, 16)));
    i += 2;
  }
  return out;
}

/**
 * The names of ;-separated parameters, each checked against RFC 3261 25.1 uri-parameter.
 * @param {string} s what follows the first ";"
 * @param {DialLinkReason} reason for a malformed parameter
 * @returns {string[]} names, lower-case, each once
 */
function paramNames(s, reason) {
  /** @type {string[]} */
  const names = [];
  for (const param of s.split(';')) {
    if (!PARAM_RE.test(param)) {
      refuse(reason);
    }
    const name = param.split('=')[0].toLowerCase();
    if (!names.includes(name)) {
      names.push(name);
    }
  }
  return names;
}

/**
 * RFC 3261 25.1 hostport. The host comes back canonical (see canonicalHost).
 * @param {string} s
 * @returns {{ host: string, port: string | null }}
 */
function splitHostPort(s) {
  let hostEnd = s.indexOf(':');
  if (s.startsWith('[')) {
    hostEnd = s.indexOf(']') + 1;
    if (hostEnd === 0) {
      refuse('invalid-uri');
    }
  }
  if (hostEnd === -1) {
    return { host: canonicalHost(s), port: null };
  }
  const host = canonicalHost(s.slice(0, hostEnd));
  if (hostEnd === s.length) {
    return { host, port: null };
  }
  const port = s.slice(hostEnd + 1);
  if (s[hostEnd] !== ':' || !/^[1-9][0-9]{0,4}$/.test(port) || Number(port) > 65535) {
    refuse('invalid-uri');
  }
  return { host, port };
}

/**
 * A host name (lower-case, no trailing dot), an IPv4 address, or an IPv6 reference in the
 * canonical form the WHATWG URL parser gives ("[2001:db8::1]").
 * @param {string} s
 * @returns {string}
 */
function canonicalHost(s) {
  if (s.startsWith('[') && s.endsWith(']')) {
    const v6 = s.slice(1, -1);
    if (!/^[0-9A-Fa-f:.]+$/.test(v6) || !v6.includes(':')) {
      refuse('invalid-uri');
    }
    try {
      return new URL(`http://[${v6}]/`).hostname;
    } catch {
      return refuse('invalid-uri');
    }
  }
  if (/^[0-9.]+$/.test(s)) {
    const octets = s.split('.');
    if (octets.length !== 4 || !octets.every((o) => /^(0|[1-9][0-9]{0,2})$/.test(o) && Number(o) <= 255)) {
      refuse('invalid-uri');
    }
    return s;
  }
  const name = (s.endsWith('.') ? s.slice(0, -1) : s).toLowerCase();
  const labels = name.split('.');
  // RFC 3261 25.1 hostname: labels of alphanum and "-", the top label starting with a letter
  if (name.length > 253 || !/^[a-z]/.test(labels[labels.length - 1])
      || !labels.every((l) => /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(l))) {
    refuse('invalid-uri');
  }
  return name;
}

/**
 * options.domain, canonical like a link's host.
 * @param {unknown} domain
 * @returns {string}
 */
function accountDomain(domain) {
  const s = typeof domain === 'string' && domain.includes(':') && !domain.startsWith('[')
    ? `[${domain}]` : domain;
  try {
    if (typeof s !== 'string') {
      refuse('invalid-uri');
    }
    return canonicalHost(s);
  } catch (e) {
    if (e instanceof Refusal) {
      throw new TypeError('options.domain must be the account\'s SIP domain, a host name or IP address such as example.com');
    }
    throw e;
  }
}

/**
 * The target for the confirmation dialog, shortened in the middle so both the start and the
 * host stay visible.
 * @param {string} target printable ASCII
 * @returns {string}
 */
function displayForm(target) {
  if (target.length <= MAX_DISPLAY_LENGTH) {
    return target;
  }
  const tail = Math.floor((MAX_DISPLAY_LENGTH - 1) / 3);
  return `${target.slice(0, MAX_DISPLAY_LENGTH - 1 - tail)}…${target.slice(-tail)}`;
}

module.exports = { parseDialLink, REASONS, MAX_LINK_LENGTH, MAX_DISPLAY_LENGTH };
