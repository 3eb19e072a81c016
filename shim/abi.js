/**
 * @file abi.js  The one schema of the messages between shim and C core
 *
 * Commands go in through sp_cmd as JSON `{v: 1, id, cmd, ...}`; each gets
 * exactly one reply `{id, err: null | code, message?, ...}`. Events come
 * out as `{ev, phone, ...}`. wasm/abi/abi.c encodes the same shapes:
 * change both in one commit (tests/node/abi.test.js round-trips them).
 * A command the core refuses before reading its id (over 256 KiB, not
 * JSON) is answered with id 0.
 */

/** @typedef {import('./errors.js').ErrorCode} ErrorCode */
/** @typedef {import('./errors.js').Cause} Cause */

/**
 * @typedef {object} PhoneConfig
 * @property {string} server wss:// URL of the SIP server (anything else is refused)
 * @property {string} uri address of record, `sip:alice@example.com`
 * @property {string} [username] digest user name (default: user part of uri)
 * @property {string} [password] digest password
 * @property {import('./credentials.js').CredentialsCallback} [credentials] instead of a
 *   password: short-lived credentials from the site's backend, asked for when a challenge
 *   must be answered and the current one is missing, expired or was refused (one fetch and
 *   retry per refusal); `credentialsFromUrl(url)` makes one
 * @property {number} [credentialsTimeoutMs] longest wait for the callback (default 10000)
 * @property {{ md5?: string, sha256?: string, sha512_256?: string }} [ha1]
 *   HA1 hex digests instead of a password (needs `realm`)
 * @property {string} [realm] pin the digest realm: challenges for any other realm are refused
 * @property {'MD5' | 'SHA-256' | 'SHA-512-256'} [minAlgorithm] refuse weaker digest algorithms
 * @property {number} [registerExpires] seconds, 30..86400 (default 600)
 * @property {string} [displayName]
 * @property {'mdns' | 'relay' | 'off'} [privacy] what our SDP may reveal (default 'mdns':
 *   no raw IP leaves; 'relay': TURN only, calls fail closed without a relay candidate)
 * @property {new (url: string, protocols?: string | string[]) => WebSocket} [WebSocket]
 *   WebSocket class (default: the global one; Node passes the `ws` package)
 * @property {RTCIceServer[] | (() => Promise<RTCIceServer[]>)} [iceServers] STUN/TURN servers,
 *   or an async function returning them per call (TURN REST credentials); kept in JS, never
 *   sent to the core
 * @property {number} [iceGatheringTimeoutMs] longest ICE gathering wait per SDP (default 3000)
 * @property {number} [mediaTimeoutMs] once answered, longest wait for ICE + DTLS; then the call
 *   ends with `ice-failed` (default 15000)
 * @property {typeof RTCPeerConnection} [RTCPeerConnection] injectable (default: the global one)
 * @property {(c: MediaStreamConstraints) => Promise<MediaStream>} [getUserMedia] injectable
 * @property {import('./media.js').MediaHandlerFactory} [mediaHandler] each call's media
 *   (shim/media.js): default `browserMediaHandler`, which uses the five options above
 */

/**
 * @typedef {{ cmd: 'phone.new', config: Record<string, unknown> }
 *   | { cmd: 'phone.register', phone: number }
 *   | { cmd: 'phone.unregister', phone: number }
 *   | { cmd: 'phone.close', phone: number }
 *   | { cmd: 'phone.credentials', phone: number, username: string, password?: string, ha1?: object, expires?: number }
 *   | { cmd: 'phone.credentials', phone: number, error: string }
 *   | { cmd: 'sdp.check', sdp: string, bytes: number, direction?: 'remote' | 'local', privacy?: 'mdns' | 'relay' | 'off' }
 *   | { cmd: 'phone.message', phone: number, target: string, text: string }
 *   | { cmd: 'phone.options', phone: number, target: string }
 *   | { cmd: 'call.new', phone: number, target: string, video?: boolean }
 *   | { cmd: 'call.media', call: number, sdp: string, bytes: number }
 *   | { cmd: 'call.answer', call: number, video?: boolean }
 *   | { cmd: 'call.reject', call: number, status?: number }
 *   | { cmd: 'call.hangup', call: number }
 *   | { cmd: 'call.hold', call: number, hold: boolean }
 *   | { cmd: 'call.info', call: number, ctype: string, body: string }} CoreCommand
 */

/**
 * @typedef {object} CoreReply
 * @property {number} id
 * @property {ErrorCode | null} err stable error code, or null
 * @property {string} [message] what to fix, when err is set
 * @property {number} [phone] handle, for phone.new
 * @property {boolean} [ok] sdp.check: the policy's verdict
 * @property {import('./errors.js').PolicyReason} [reason] sdp.check: stable refusal code
 * @property {number} [line] sdp.check: 1-based line of the offence
 * @property {string | null} [detail] sdp.check: short human text
 * @property {string} [sdp] sdp.check, local: what may leave
 * @property {'mdns' | 'relay' | 'off'} [privacy] sdp.check, local: the mode applied
 * @property {number} [call] handle, for call.new
 * @property {string | null} [callId] call.media: the SIP Call-ID, once the
 *   INVITE (or our 200 OK) went out
 * @property {number} [messageId] for phone.message and phone.options: the
 *   id its outcome event carries
 */

/**
 * @typedef {{ ev: 'transport', phone: number, state: 'open' | 'closed', code: number }
 *   | { ev: 'registered', phone: number, expires: number, status: number, digest: 'MD5' | 'SHA-256' | 'SHA-512-256' | null }
 *   | { ev: 'unregistered', phone: number }
 *   | { ev: 'registration-failed', phone: number, code: ErrorCode, status: number, reason: string | null, retryIn: number }
 *   | { ev: 'core-failed', phone: number }
 *   | { ev: 'credentials.need', phone: number, reason: 'missing' | 'expired' | 'rejected' }
 *   | { ev: 'message', phone: number, from: string, displayName: string | null, ctype: string, body: string }
 *   | { ev: 'message-sent', phone: number, messageId: number, status: number, allow: string[], supported: string[] }
 *   | { ev: 'message-failed', phone: number, messageId: number, code: ErrorCode, status: number, reason: string | null }
 *   | { ev: 'incoming', phone: number, call: number, from: string, displayName: string | null, callId: string }
 *   | { ev: 'call-refused', phone: number, from: string, displayName: string | null, cause: Cause, line: number, detail: string }
 *   | { ev: 'media.need', phone: number, call: number, type: 'offer' | 'answer', video: boolean, hold: boolean,
 *       rtc: { iceTransportPolicy: 'all' | 'relay', bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' } }
 *   | { ev: 'media.remote', phone: number, call: number, type: 'offer' | 'pranswer' | 'answer', fingerprint: string | null, sdp: string }
 *   | { ev: 'ringing' | 'progress', phone: number, call: number }
 *   | { ev: 'accepted', phone: number, call: number, digest: 'MD5' | 'SHA-256' | 'SHA-512-256' | null }
 *   | { ev: 'no-candidates', phone: number, call: number }
 *   | { ev: 'hold', phone: number, call: number, held: boolean }
 *   | { ev: 'modify-failed', phone: number, call: number, status: number, reason: string | null, held: boolean }
 *   | { ev: 'info', phone: number, call: number, ctype: string, body: string }
 *   | { ev: 'ended', phone: number, call: number, cause: Cause, status: number, reason: string | null, line: number }} CoreEvent
 */

export {};
