/**
 * @file styles.css.js  The widget's stylesheet
 *
 * Plain CSS in a module: the element adopts it as a constructable
 * stylesheet (CSSStyleSheet.replaceSync), which a `style-src 'self'` CSP
 * allows, where a <style> element or a style attribute would need
 * 'unsafe-inline'. Being a module, it needs no fetch and no bundler loader.
 *
 * Theming: the custom properties below (set them on `sip-phone`) and the
 * parts named in sip-phone.js.
 */
export default String.raw`
:host {
  --sip-phone-bg: #ffffff;
  --sip-phone-fg: #1f2328;
  --sip-phone-muted: #57606a;
  --sip-phone-accent: #0b5cad;
  --sip-phone-accent-fg: #ffffff;
  --sip-phone-danger: #b3261e;
  --sip-phone-danger-fg: #ffffff;
  --sip-phone-ok: #1a7f37;
  --sip-phone-border: #d0d7de;
  --sip-phone-radius: 10px;
  --sip-phone-font: system-ui, sans-serif;
  display: inline-block;
  font-family: var(--sip-phone-font);
  color: var(--sip-phone-fg);
}
[hidden] { display: none !important; }
.phone {
  box-sizing: border-box;
  width: 20rem;
  padding: 0.75rem;
  background: var(--sip-phone-bg);
  border: 1px solid var(--sip-phone-border);
  border-radius: var(--sip-phone-radius);
  display: flex;
  flex-direction: column;
  gap: 0.6rem;
}
.visually-hidden {
  position: absolute;
  width: 1px; height: 1px;
  overflow: hidden;
  clip: rect(0 0 0 0);
  white-space: nowrap;
}
header { display: flex; align-items: center; gap: 0.5rem; font-size: 0.9rem; }
.dot {
  width: 0.6rem; height: 0.6rem; border-radius: 50%;
  background: var(--sip-phone-muted);
  flex: none;
}
.phone[data-reg="registered"] .dot { background: var(--sip-phone-ok); }
.phone[data-reg="failed"] .dot { background: var(--sip-phone-danger); }
label { font-size: 0.85rem; color: var(--sip-phone-muted); }
input {
  font: inherit; font-size: 1.05rem;
  padding: 0.4rem 0.5rem;
  border: 1px solid var(--sip-phone-border);
  border-radius: calc(var(--sip-phone-radius) / 2);
  color: var(--sip-phone-fg);
  background: var(--sip-phone-bg);
  width: 100%; box-sizing: border-box;
}
.pad { display: grid; grid-template-columns: repeat(3, 1fr); gap: 0.35rem; }
button {
  font: inherit;
  padding: 0.45rem 0.6rem;
  border: 1px solid var(--sip-phone-border);
  border-radius: calc(var(--sip-phone-radius) / 2);
  background: var(--sip-phone-bg);
  color: var(--sip-phone-fg);
  cursor: pointer;
}
button:focus-visible, input:focus-visible, summary:focus-visible {
  outline: 3px solid var(--sip-phone-accent);
  outline-offset: 1px;
}
button:disabled { cursor: not-allowed; opacity: 0.6; }
button[aria-pressed="true"] { background: var(--sip-phone-fg); color: var(--sip-phone-bg); }
.go { background: var(--sip-phone-accent); color: var(--sip-phone-accent-fg); border-color: var(--sip-phone-accent); }
.stop { background: var(--sip-phone-danger); color: var(--sip-phone-danger-fg); border-color: var(--sip-phone-danger); }
.dial, .in-call, .incoming { display: grid; gap: 0.4rem; }
.dial > .go, .c2c-button { width: 100%; }
.row { display: flex; gap: 0.4rem; flex-wrap: wrap; }
.row > button { flex: 1; }
.peer { font-weight: 600; margin: 0; overflow-wrap: anywhere; }
.timer { font-variant-numeric: tabular-nums; color: var(--sip-phone-muted); margin: 0; }
.recording { margin: 0; font-weight: 600; color: var(--sip-phone-danger); }
.message { margin: 0; font-size: 0.9rem; }
.error { margin: 0; font-size: 0.9rem; color: var(--sip-phone-danger); }
details { border-top: 1px solid var(--sip-phone-border); padding-top: 0.4rem; font-size: 0.85rem; }
summary { cursor: pointer; font-weight: 600; }
dl { display: grid; grid-template-columns: auto 1fr; gap: 0.15rem 0.6rem; margin: 0.4rem 0 0; }
dt { color: var(--sip-phone-muted); }
dd { margin: 0; overflow-wrap: anywhere; }
.metrics { display: grid; grid-template-columns: auto 4.5rem 1fr; gap: 0.2rem 0.5rem; align-items: center; margin-top: 0.4rem; }
.value { font-variant-numeric: tabular-nums; text-align: right; }
.plot { width: 100%; height: 1.5rem; }
.plot polyline { fill: none; stroke: var(--sip-phone-accent); stroke-width: 1.5; vector-effect: non-scaling-stroke; }
.warnings p { margin: 0.4rem 0 0; color: var(--sip-phone-danger); }
`;
