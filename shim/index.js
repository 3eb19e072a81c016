/**
 * @file index.js  sipshield's public API
 */
export { Phone } from './phone.js';
export { Call } from './call.js';
export { PhoneError } from './errors.js';
export { loadCore } from './core.js';
export { credentialsFromUrl, iceServersFromUrl } from './credentials.js';
