// Test support: a WebSocket class whose far end is a scripted SIP registrar in the same
// process (after JsSIP's LoopSocket). Unit tests only: integration tests use Kamailio.

/** Build a response to `req` (SIP text) with `code` and extra header lines. */
export function respond(req, code, reason, extra = '') {
  const lines = req.split('\r\n');
  const pick = (name) => lines.filter((l) => l.toLowerCase().startsWith(`${name}:`));
  const to = pick('to')[0];
  return [
    `SIP/2.0 ${code} ${reason}`,
    ...pick('via'), ...pick('from'),
    /;tag=/.test(to) ? to : `${to};tag=fake${code}`,
    ...pick('call-id'), ...pick('cseq'),
    ...(extra ? [extra] : []),
    'Content-Length: 0', '', '',
  ].join('\r\n');
}

/**
 * Make a WebSocket class answering each request with `script(req, n)` (n = 0, 1, ...):
 * a string to send back, or null for silence.
 */
export function fakeServer(script) {
  const state = { sockets: [], received: [] };
  class FakeWebSocket {
    constructor(url, protocol) {
      this.url = url;
      this.protocol = protocol;
      this.readyState = 0;
      this.binaryType = 'blob';
      state.sockets.push(this);
      setTimeout(() => { this.readyState = 1; this.onopen?.({}); }, 1);
    }
    send(data) {
      const text = typeof data === 'string' ? data : new TextDecoder().decode(data);
      const n = state.received.push(text) - 1;
      const answer = script(text, n);
      if (answer != null) setTimeout(() => this.readyState === 1 && this.onmessage?.({ data: answer }), 1);
    }
    close(code = 1000) {
      if (this.readyState > 1) return;
      this.readyState = 3;
      setTimeout(() => this.onclose?.({ code }), 1);
    }
    /** the server side drops the connection */
    drop(code = 1006) {
      this.readyState = 3;
      this.onclose?.({ code });
    }
  }
  return { WebSocket: FakeWebSocket, state };
}
