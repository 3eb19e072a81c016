/**
 * @file dtls.js  Names for what getStats() reports of DTLS
 */

/** RFC 9147 / 6347 / 4347 version numbers as the wire (and Chromium) writes them */
const VERSIONS = /** @type {Record<string, string>} */ ({
  FEFC: 'DTLS 1.3',
  FEFD: 'DTLS 1.2',
  FEFF: 'DTLS 1.0',
});

/**
 * The protocol name of a transport's `tlsVersion` from getStats (Chromium
 * gives the version as hex, `FEFD`); an unknown value passes through.
 * @param {unknown} hex
 * @returns {string | null}
 */
export function tlsVersionName(hex) {
  if (typeof hex !== 'string' || !hex) return null;
  return VERSIONS[hex.toUpperCase()] ?? hex;
}
