/**
 * @file dtls.js  Names for what getStats() reports of DTLS
 */

/**
 * The protocol name of a transport's `tlsVersion` from getStats: Chromium
 * gives the wire's version number in hex (RFC 9147 5.3: FEFC is DTLS 1.3,
 * FEFD 1.2, FEFF 1.0); an unknown value passes through.
 * @param {unknown} hex
 * @returns {string | null}
 */
export function tlsVersionName(hex) {
  if (typeof hex !== 'string' || !hex) return null;
  const minor = { FEFC: 3, FEFD: 2, FEFF: 0 }[hex.toUpperCase()];
  return minor === undefined ? hex : `DTLS 1.${minor}`;
}
