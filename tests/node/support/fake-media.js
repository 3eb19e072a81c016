// Test support: the browser's media faked for node tests (unit level only; tests/e2e runs real
// Chromium): an RTCPeerConnection that makes a given SDP, and a microphone stream.

/**
 * An RTCPeerConnection class whose offers and answers are `sdp`
 * @param {{ sdp: string, gathering?: 'complete' | 'gathering',
 *   log?: { configs: object[], closed: number } }} options
 *   gathering: 'gathering' never completes (the shim's bounded wait ends it);
 *   log: records each RTCConfiguration given and each close()
 */
export function fakePeerConnection({ sdp, gathering = 'complete', log }) {
  return class FakePC {
    constructor(config) {
      log?.configs.push(config);
      this.iceGatheringState = gathering;
      this.connectionState = 'new';
      this.localDescription = null;
      this.remoteDescription = null;
    }
    addTrack() {}
    getTransceivers() { return []; }
    getSenders() { return []; }
    addEventListener() {}
    removeEventListener() {}
    async createOffer() { return { type: 'offer', sdp }; }
    async createAnswer() { return { type: 'answer', sdp }; }
    async setLocalDescription(d) { this.localDescription = d; }
    async setRemoteDescription(d) { this.remoteDescription = d; }
    async getStats() { return new Map(); }
    close() { if (log) log.closed++; }
  };
}

/** What getUserMedia gives: a stream with no tracks */
export const fakeStream = { getTracks: () => [], getAudioTracks: () => [] };
