// The desktop app's link parser (web/electron/main/dial-link.js): what a sip:, sips:, tel: or
// callto: link from the OS becomes, and which links are refused with which reason. Every
// hostile link must be refused; every accepted target must be free of anything that could
// smuggle parameters, headers or markup into the call.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { parseDialLink, REASONS, MAX_LINK_LENGTH, MAX_DISPLAY_LENGTH } =
  require('../../web/electron/main/dial-link.js');

/** The account's domain in these tests */
const ACCOUNT = { domain: 'example.com' };

/** A target may hold only these: no ; ? < > quotes, spaces, %, controls */
const SAFE_TARGET = /^[A-Za-z0-9\-_.!~*()&=+$,/:@[\]#]+$/;

/** Assert the link is accepted with exactly this target (and dropped parameters) */
function accepts(link, target, { scheme, dropped = [], options = ACCOUNT } = {}) {
  const r = parseDialLink(link, options);
  assert.deepEqual(r, {
    ok: true, target, scheme: scheme ?? link.slice(0, link.indexOf(':')).toLowerCase(),
    display: target, dropped,
  }, `${JSON.stringify(link)}`);
  assert.match(r.target, SAFE_TARGET);
}

/** Assert the link is refused for exactly this reason */
function refuses(link, reason, options = ACCOUNT) {
  assert.deepEqual(parseDialLink(link, options), { ok: false, reason }, `${JSON.stringify(link)}`);
}

describe('Bob\'s links that Alice may dial (after she confirms)', () => {
  it('sip: and sips: with user@host give sip:user@host', () => {
    accepts('sip:bob@example.com', 'sip:bob@example.com');
    accepts('sips:bob@example.com', 'sips:bob@example.com');
    accepts('sip:+15550109999@example.com', 'sip:+15550109999@example.com');
  });

  it('a user alone is dialled in the account\'s domain: the target is the bare name', () => {
    accepts('sip:bob', 'bob');
    accepts('sips:bob.smith', 'bob.smith', { options: {} });
  });

  it('upper-case schemes and hosts are read; the host is lower-cased, the user kept', () => {
    accepts('SIP:Bob@EXAMPLE.COM', 'sip:Bob@example.com', { scheme: 'sip' });
    accepts('Tel:+15550109999', '+15550109999', { scheme: 'tel' });
    accepts('CALLTO:bob', 'bob', { scheme: 'callto' });
    accepts('sip:bob@example.com.', 'sip:bob@example.com');
  });

  it('tel: drops visual separators; a local number is digits, * and #', () => {
    accepts('tel:+1 (555) 010-9999', '+15550109999');
    accepts('tel:+1.555.010.9999', '+15550109999');
    accepts('tel:+1%20555%20010%209999', '+15550109999');
    accepts('tel:*31#', '*31#');
    accepts('tel:%2A31%23', '*31#');
    accepts('tel:911', '911');
  });

  it('callto: takes a name, //name (old Skype form), user@host or +number', () => {
    accepts('callto:bob', 'bob');
    accepts('callto://bob', 'bob');
    accepts('callto://bob/', 'bob');
    accepts('callto:+15550109999', '+15550109999');
    accepts('callto:+1 555 010 9999', '+15550109999');
    accepts('callto:bob@example.com', 'sip:bob@example.com');
  });

  it('URI parameters are dropped and named, lower-case, once each', () => {
    accepts('sip:bob@example.com;transport=udp', 'sip:bob@example.com', { dropped: ['transport'] });
    accepts('sip:bob@example.com;LR;transport=tcp;lr;maddr=10.0.0.1', 'sip:bob@example.com',
      { dropped: ['lr', 'transport', 'maddr'] });
    accepts('sip:bob;user=phone', 'bob', { dropped: ['user'] });
    accepts('tel:+1-201-555-0123;ext=1234', '+12015550123', { dropped: ['ext'] });
    accepts('tel:7042;phone-context=example.com', '7042', { dropped: ['phone-context'] });
  });

  it('escapes of characters a user may hold are decoded', () => {
    accepts('sip:%62ob@example.com', 'sip:bob@example.com');
    accepts('sip:bob%2Bwork@example.com', 'sip:bob+work@example.com');
  });

  it('a port stays in the target; the host alone is compared with the domain', () => {
    accepts('sip:bob@example.com:5070', 'sip:bob@example.com:5070');
    accepts('sips:bob@EXAMPLE.com:5061', 'sips:bob@example.com:5061');
  });

  it('IPv4 and IPv6 hosts are compared in canonical form', () => {
    accepts('sip:bob@192.0.2.10', 'sip:bob@192.0.2.10', { options: { domain: '192.0.2.10' } });
    accepts('sip:bob@[2001:DB8:0:0::1]', 'sip:bob@[2001:db8::1]', { options: { domain: '2001:db8::1' } });
    accepts('sip:bob@[2001:db8::1]:5061', 'sip:bob@[2001:db8::1]:5061',
      { options: { domain: '[2001:DB8::1]' } });
  });

  it('other hosts only when the caller allows them', () => {
    accepts('sip:bob@other.example.org', 'sip:bob@other.example.org',
      { options: { domain: 'example.com', allowOtherDomains: true } });
    accepts('sip:bob@[2001:db8::2]', 'sip:bob@[2001:db8::2]', { options: { allowOtherDomains: true } });
  });

  it('a long target is shown shortened in the middle, host still visible', () => {
    const link = `sip:${'a'.repeat(200)}@example.com`;
    const r = parseDialLink(link, ACCOUNT);
    assert.equal(r.ok, true);
    assert.equal(r.target, link);
    assert.equal(r.display.length, MAX_DISPLAY_LENGTH);
    assert.ok(r.display.startsWith('sip:aaaa'));
    assert.ok(r.display.endsWith('aaaa@example.com'));
    assert.equal([...r.display].filter((c) => c === '…').length, 1);
  });
});

describe('Links that are refused, with a stable reason', () => {
  it('not a string', () => {
    for (const v of [undefined, null, 42, {}, ['sip:bob@example.com'], new String('sip:bob@example.com')]) {
      refuses(v, 'not-a-string');
    }
  });

  it('over MAX_LINK_LENGTH (256) characters, even when otherwise valid', () => {
    assert.equal(MAX_LINK_LENGTH, 256);
    const at = (n) => `sip:${'b'.repeat(n - 'sip:@example.com'.length)}@example.com`;
    assert.equal(parseDialLink(at(256), ACCOUNT).ok, true);
    refuses(at(257), 'too-long');
    refuses(`tel:+1${'0'.repeat(100000)}`, 'too-long');
  });

  it('schemes other than sip, sips, tel, callto', () => {
    for (const link of ['javascript:alert(1)', 'JavaScript:alert(1)//sip:bob@example.com',
      'data:text/html,<script>alert(1)</script>', 'file:///etc/passwd', 'http://example.com/',
      'https://example.com/sip:bob', 'sipx:bob@example.com', 'vbscript:msgbox', 'bob@example.com',
      ' sip:bob@example.com', '', ':bob', 'sip']) {
      refuses(link, 'unsupported-scheme');
    }
  });

  it('a header part with CR or LF, raw or encoded, is header-injection', () => {
    refuses('sip:bob@example.com?X=a%0d%0aVia:%20evil', 'header-injection');
    refuses('sip:bob@example.com?X=a%0D%0AVia:%20evil', 'header-injection');
    refuses('sip:bob@example.com?X=a\r\nVia: evil', 'header-injection');
    refuses('sip:bob@example.com;transport=udp?Subject=x%0aContact:%20<sip:evil@evil.example>', 'header-injection');
    refuses('tel:+15550109999?x=%0a', 'header-injection');
  });

  it('any other header part is has-headers', () => {
    refuses('sip:bob@example.com;transport=udp?Subject=<script>', 'has-headers');
    refuses('sip:bob@example.com?Subject=hello', 'has-headers');
    refuses('sip:bob@example.com?Route=%3Csip:evil.example%3E', 'has-headers');
    refuses('sip:bob@example.com?', 'has-headers');
    refuses('sip:bob?x', 'has-headers');
    refuses('tel:+15550109999?x=1', 'has-headers');
  });

  it('NUL and other control characters, raw or percent-encoded', () => {
    for (const link of ['sip:bob\0@example.com', 'sip:bob%00@example.com', 'sip:bob@example.com\0',
      'sip:bob@example.com\r\nVia: evil', 'sip:bob%0d%0a@example.com', 'sip:bob\t@example.com',
      'sip:bob%1F@example.com', 'sip:bob%7f@example.com', 'sip:bob\x7f@example.com',
      'tel:+1555%000109999', 'callto:bob%0a', 'sip:bob@example.com;transport=udp%00']) {
      refuses(link, 'control-character');
    }
  });

  it('characters outside printable ASCII, raw or encoded', () => {
    refuses('sip:bob\u202e@example.com', 'non-ascii');        // right-to-left override
    refuses('sip:b\u043eb@example.com', 'non-ascii');         // Cyrillic o
    refuses('sip:bob@ex\u0430mple.com', 'non-ascii');
    refuses('sip:bob%c3%a9@example.com', 'non-ascii');
    refuses('tel:+1555\uff10109999', 'non-ascii');            // fullwidth 0
  });

  it('nothing to dial: empty user, host or number', () => {
    for (const link of ['sip:', 'sip:@example.com', 'sip:bob@', 'sips:@', 'sip:;transport=udp',
      'tel:', 'tel:()- .', 'callto:', 'callto://', 'callto:///']) {
      refuses(link, 'empty');
    }
  });

  it('malformed sip: links are invalid-uri', () => {
    for (const link of [
      'sip:bob@evil.example@example.com',   // two @
      'sip:bob:secret@example.com',         // a password
      'sip:bob smith@example.com',          // a space
      'sip:"bob"@example.com',              // quotes
      'sip:<bob>@example.com',              // angle brackets
      'sip:bob\'@example.com',              // a quote mark
      'sip:bob#1@example.com',              // # unescaped
      'sip:b%40b@example.com',              // an escaped @
      'sip:b%3Bx=1@example.com',            // an escaped ;
      'sip:b%3cscript%3e@example.com',      // escaped < >
      'sip:b%20b@example.com',              // an escaped space
      'sip:b%25@example.com',               // an escaped %
      'sip:bob%zz@example.com',             // a broken escape
      'sip:bob%4@example.com',              // a short escape
      'sip:bob@exa mple.com',               // a space in the host
      'sip:bob@exam_ple.com',               // _ in a host name
      'sip:bob@-example.com',               // label starting with -
      'sip:bob@example.123',                // a numeric top label
      'sip:bob@ex%61mple.com',              // escape in the host
      'sip:bob@example.com:',               // empty port
      'sip:bob@example.com:0',
      'sip:bob@example.com:65536',
      'sip:bob@example.com:50x',
      'sip:bob@example.com/',               // a path
      'sip:bob@example.com;',               // empty parameter
      'sip:bob@example.com;=udp',
      'sip:bob@example.com;transport=',
      'sip:bob@example.com;x=<script>',
      'sip:+1555;phone-context=x@example.com',  // a user with parameters
      'sip:bob@256.1.1.1',
      'sip:bob@1.2.3',
      'sip:bob@01.2.3.4',
      'sip:bob@2001:db8::1',                // IPv6 without brackets
      'sip:bob@[2001:db8::1',
      'sip:bob@[2001:db8::g]',
      'sip:bob@[2001:db8::1%25eth0]',       // a zone id
      'sip:bob@[1.2.3.4]',
      'sip:bob@[2001:db8::1]x',
      'callto:bob smith',
      'callto:bob:secret@example.com',
    ]) {
      refuses(link, 'invalid-uri');
    }
  });

  it('tel numbers with letters, a misplaced + or too many digits are invalid-number', () => {
    for (const link of ['tel:+1-800-FLOWERS', 'tel:abc', 'tel:555-ABCD', 'tel:1+5550109999',
      'tel:++15550109999', 'tel:(+1)5550109999', 'tel:+', 'tel:+()', 'tel:+*31#',
      `tel:+${'1'.repeat(16)}`, 'tel:+1555<0109999', 'tel:+1555"0109999', 'tel:+15550109999;',
      'tel:+15550109999;ext=<1>', 'tel:+1555%2F0109999', 'tel:+1555%zz', 'callto:+1-800-FLOWERS',
      'callto:+1;ext=']) {
      refuses(link, 'invalid-number');
    }
    accepts(`tel:+${'1'.repeat(15)}`, `+${'1'.repeat(15)}`);
  });

  it('a link naming another server is other-server unless allowed', () => {
    refuses('sip:bob@evil.example', 'other-server');
    refuses('sip:bob@sub.example.com', 'other-server');
    refuses('sip:bob@example.com.evil.example', 'other-server');
    refuses('sips:bob@192.0.2.66:5061', 'other-server');
    refuses('sip:bob@[2001:db8::1]', 'other-server');
    refuses('callto:bob@evil.example', 'other-server');
    refuses('sip:bob@[2001:db8::1]', 'other-server', { domain: '2001:db8::2' });
    // no domain known: any host is another server
    refuses('sip:bob@example.com', 'other-server', {});
    refuses('sip:bob@example.com', 'other-server', { allowOtherDomains: 'yes' });
  });

  it('hostile links from the issue are never accepted, whatever the options', () => {
    const hostile = ['sip:bob@example.com;transport=udp?Subject=<script>', 'javascript:alert(1)',
      'sip:bob@example.com?X=a%0d%0aVia:%20evil', 'sip:bob\0@example.com', 'sip:bob%00@example.com',
      `sip:${'a'.repeat(300)}@example.com`, 'data:text/html,x', 'sip:bob@example.com\r\nVia: x',
      'sip:<script>@example.com', 'tel:+1-800-FLOWERS'];
    for (const options of [ACCOUNT, {}, { domain: 'example.com', allowOtherDomains: true }]) {
      for (const link of hostile) {
        assert.equal(parseDialLink(link, options).ok, false, JSON.stringify(link));
      }
    }
  });

  it('a malformed options.domain is a programming error', () => {
    assert.throws(() => parseDialLink('sip:bob', { domain: 'not a domain' }), TypeError);
    assert.throws(() => parseDialLink('sip:bob', { domain: 42 }), TypeError);
  });

  it('the reason codes are the documented closed set', () => {
    assert.deepEqual([...REASONS].sort(), ['control-character', 'empty', 'has-headers',
      'header-injection', 'invalid-number', 'invalid-uri', 'non-ascii', 'not-a-string',
      'other-server', 'too-long', 'unsupported-scheme']);
  });
});

describe('Whatever a link holds, an accepted target is safe', () => {
  // Seeded mutations of good links: insert, replace or delete characters drawn from an
  // alphabet of delimiters, escapes and controls. Rerun a failure with DIAL_LINK_SEED=<seed>.
  const seed = Number(process.env.DIAL_LINK_SEED ?? Date.now() % 1e9);
  const ALPHABET = ['@', ':', ';', '?', '<', '>', '"', '\'', ' ', '%', '%0d', '%0a', '%00', '%3c',
    '%40', '%3b', '\r', '\n', '\0', '#', '/', '[', ']', '=', '+', '.', '\u202e', 'a', '1', '%2', '%41'];
  const BASES = ['sip:bob@example.com', 'sips:bob@example.com:5061;transport=tls', 'tel:+1 (555) 010-9999',
    'callto://bob', 'sip:bob@[2001:db8::1]', 'tel:*31#;phone-context=example.com'];

  it(`10000 mutated links (seed ${seed}): every ok target is plain, every display bounded`, () => {
    let state = seed;
    const rand = (n) => {   // xorshift32
      state ^= state << 13; state >>>= 0; state ^= state >>> 17; state ^= state << 5; state >>>= 0;
      return state % n;
    };
    const reasons = new Set(REASONS);
    for (let i = 0; i < 10000; ++i) {
      let link = BASES[rand(BASES.length)];
      for (let k = 1 + rand(3); k > 0; --k) {
        const at = rand(link.length + 1);
        const piece = ALPHABET[rand(ALPHABET.length)];
        const cut = rand(3) === 0 ? 1 : 0;
        link = link.slice(0, at) + piece + link.slice(at + cut);
      }
      for (const options of [{ domain: 'example.com', allowOtherDomains: true }, ACCOUNT]) {
        const r = parseDialLink(link, options);
        const msg = `seed ${seed}, link ${JSON.stringify(link)}: ${JSON.stringify(r)}; rerun with DIAL_LINK_SEED=${seed}`;
        if (!r.ok) {
          assert.ok(reasons.has(r.reason), msg);
          continue;
        }
        assert.match(r.target, SAFE_TARGET, msg);
        assert.ok(!/[\s;?<>"'%\\]/.test(r.target), msg);
        assert.ok(r.display.length <= MAX_DISPLAY_LENGTH && /^[\x20-\x7e…]+$/.test(r.display), msg);
        assert.ok(/^(sips?:[^@]+@[^@]+|\+[0-9]{1,15}|[0-9*#]+|[^:@]+)$/.test(r.target), msg);
      }
    }
  });
});
