// @file background-tab.js  What a hidden tab does to a registered sipshield phone, in the
// headless Chromium the tests use (/usr/bin/chromium with CHROMIUM_ARGS of tests/e2e/support.js).
//
//   node tools/bench/background-tab.js
//
// It starts and stops its own Kamailio (SHA-256), page server and Chromium; every wait is
// bounded, and a watchdog stops everything after HIDDEN_S + 150 s.
//
// 1. Probe (Playwright, launchBrowser() exactly as the tests launch it): can a Playwright page
//    be hidden? Playwright turns on Emulation.setFocusEmulationEnabled in its own DevTools
//    session for every page, which keeps the page `visible` whatever else is done, and it adds
//    --disable-background-timer-throttling, --disable-renderer-backgrounding and
//    --disable-backgrounding-occluded-windows. So the measurement runs without Playwright.
// 2. Measurement: Chromium spawned with CHROMIUM_ARGS (no Playwright defaults), driven over raw
//    CDP (tests/e2e/cdp.js). One phone per variant (keepAlive 10, registerExpires 60), all
//    variants at the same time, each in its own Chromium, against one Kamailio:
//      default     : Chromium's own defaults for hidden pages
//      intensive   : + --enable-features=IntensiveWakeUpThrottling:grace_period_seconds/GRACE_S
//      nointensive : + --disable-features=IntensiveWakeUpThrottling (1 wake-up per second only)
//      inpage      : default, plus the control's 1 s chain in the phone's own page
//    The phone's tab is hidden by opening a new foreground tab in the same window (the tab
//    strip hides the old one), kept hidden HIDDEN_S seconds, then brought to the front again
//    (Page.bringToFront) and watched for 10 s. A second hidden tab runs a plain chained
//    setTimeout(1000) as a control: it shows whether intensive throttling is in force.
//    In the page, WebSocket.prototype.send and received frames are logged (Date.now()), as are
//    setTimeout calls of 500 ms or more (asked delay, actual firing) and visibilitychange.
//
// Environment: HIDDEN_S (180), GRACE_S (10), VARIANTS (default,intensive,nointensive,inpage),
// KEEPALIVE (10; 0: no keep-alive), SKIP_PROBE=1.
import { setTimeout as sleep } from 'node:timers/promises';
import { startKamailio, USERS, REALM } from '../../tests/node/support/servers.js';
import { CHROMIUM, CHROMIUM_ARGS, launchBrowser, startPageServer } from '../../tests/e2e/support.js';
import { startRawChromium, openPhoneTab } from '../../tests/e2e/cdp.js';

const HIDDEN_S = Number(process.env.HIDDEN_S || 180);
const GRACE_S = Number(process.env.GRACE_S || 10);
const VISIBLE_S = 10;
const VARIANTS = (process.env.VARIANTS || 'default,intensive,nointensive,inpage').split(',');
const EXPIRES = 60;
const KEEPALIVE = Number(process.env.KEEPALIVE ?? 10);
/** each variant: its own Chromium (these flags added to CHROMIUM_ARGS) and its own account */
const VARIANT = {
  default: { user: 'alice', args: [] },
  intensive: { user: 'bob', args: [`--enable-features=IntensiveWakeUpThrottling:grace_period_seconds/${GRACE_S}`] },
  nointensive: { user: 'carol', args: ['--disable-features=IntensiveWakeUpThrottling'] },
  // default, and the same plain 1 s chain as the control tab's, in the phone's own page too
  // (from hiding on): is the page (open WebSocket) exempt, or only the phone's timers?
  inpage: { user: 'dave', args: [], chainInPage: true },
};

const cleanups = [];
async function cleanup() {
  while (cleanups.length) {
    const f = cleanups.pop();
    await Promise.race([f().catch((e) => console.error('cleanup:', e.message)), sleep(20000)]);
  }
}
const watchdog = setTimeout(async () => {
  console.error(`watchdog: stopping after ${HIDDEN_S + 150} s`);
  await cleanup();
  process.exit(2);
}, (HIDDEN_S + 150) * 1000);

/** bounded promise */
function within(p, ms, what) {
  let t;
  return Promise.race([p, new Promise((_, rej) => { t = setTimeout(() => rej(new Error(`${what}: no answer in ${ms} ms`)), ms); })])
    .finally(() => clearTimeout(t));
}

// ---------------------------------------------------------------------------------------------
// 1. Probe: the tests' Playwright launch
async function probePlaywright() {
  const rows = [];
  const browser = await launchBrowser();
  cleanups.push(() => browser.close());
  try {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await page.goto('about:blank');
    const vis = () => within(page.evaluate(() => document.visibilityState), 5000, 'visibilityState');
    const s = await ctx.newCDPSession(page);
    const bs = await browser.newBrowserCDPSession();
    const { targetInfo } = await s.send('Target.getTargetInfo');
    rows.push(['new page', await vis()]);
    const step = async (name, fn) => {
      try { await fn(); await sleep(400); rows.push([name, await vis()]); }
      catch (e) { rows.push([name, `error: ${e.message.split('\n')[0]}`]); }
    };
    await step('Emulation.setFocusEmulationEnabled false (own session)',
      () => s.send('Emulation.setFocusEmulationEnabled', { enabled: false }));
    await step('+ Target.createTarget foreground, same context (same window)',
      () => bs.send('Target.createTarget', { url: 'about:blank', browserContextId: targetInfo.browserContextId }));
    await step('+ Target.createTarget background: true',
      () => bs.send('Target.createTarget', { url: 'about:blank', browserContextId: targetInfo.browserContextId, background: true }));
    await step('+ another page in the context, page.bringToFront()', async () => { const p2 = await ctx.newPage(); await p2.bringToFront(); });
    await step('+ Browser.setWindowBounds minimized', async () => {
      const { windowId } = await s.send('Browser.getWindowForTarget');
      await s.send('Browser.setWindowBounds', { windowId, bounds: { windowState: 'minimized' } });
    });
    await step('+ Page.setWebLifecycleState frozen', () => s.send('Page.setWebLifecycleState', { state: 'frozen' }));
    await s.send('Page.setWebLifecycleState', { state: 'active' }).catch(() => {});
  } finally {
    await browser.close();
    cleanups.pop();
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// 2. Raw CDP Chromium (tests/e2e/cdp.js), stopped at the end
async function startChromium(extraArgs) {
  const cdp = await startRawChromium(extraArgs);
  cleanups.push(cdp.stop);
  return cdp;
}

const CHAIN = `(() => {
  window.__chain = [];
  window.__vis = [[Date.now(), document.visibilityState]];
  document.addEventListener('visibilitychange', () => window.__vis.push([Date.now(), document.visibilityState]));
  (function f() { window.__chain.push(Date.now()); setTimeout(f, 1000); })();
  return true;
})()`;

async function openVariant(name, web, kam) {
  if (!VARIANT[name]) throw new Error(`unknown variant ${name}: ${Object.keys(VARIANT).join(', ')}`);
  const extra = VARIANT[name].args;
  const cdp = await startChromium(extra);
  const user = VARIANT[name].user;
  const cfg = { server: kam.url, uri: `sip:${user}@${REALM}`, password: USERS.get(user),
    keepAlive: KEEPALIVE, registerExpires: EXPIRES };
  const { session: s, targetId: phoneTarget } = await openPhoneTab(cdp, web.url, cfg);
  return { name, user, cdp, s, phoneTarget, extra };
}

async function hide(v) {
  const { cdp } = v;
  // the control tab: hidden from its creation (a background tab)
  const ctl = await cdp.send('Target.createTarget', { url: 'about:blank', background: true });
  v.ctl = await cdp.attach(ctl.targetId);
  await cdp.evaluate(v.ctl, CHAIN);
  // a new foreground tab in the same window hides the phone's tab
  if (VARIANT[v.name].chainInPage) await cdp.evaluate(v.s, CHAIN.replace(/__chain\b/g, '__chainInPage').replace(/__vis\b/g, '__visInPage'));
  v.hiddenAt = Date.now();
  const fg = await cdp.send('Target.createTarget', { url: 'about:blank' });
  v.fg = fg.targetId;
  await sleep(300);
  v.visAfterHide = await cdp.evaluate(v.s, 'JSON.stringify([document.visibilityState, document.hidden])');
}

async function show(v) {
  v.shownAt = Date.now();
  await v.cdp.send('Page.bringToFront', {}, v.s);
  await sleep(300);
  v.visAfterShow = await v.cdp.evaluate(v.s, 'JSON.stringify([document.visibilityState, document.hidden])');
}

// ---------------------------------------------------------------------------------------------
// report
const f1 = (x) => (x / 1000).toFixed(1);
function pad(rows) {
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map((r) => r.map((c, i) => String(c).padEnd(w[i])).join('  ')).join('\n');
}

function chainLine(label, chain, rel, T1) {
  const cg = [];
  const longGaps = [];
  for (let i = 1; i < chain.length; i++) {
    if (chain[i] >= T1) break;
    cg.push(chain[i] - chain[i - 1]);
    if (chain[i] - chain[i - 1] >= 5000) longGaps.push(`${rel(chain[i - 1])}->${rel(chain[i])}`);
  }
  const lastFire = chain.filter((t) => t < T1).pop();
  const firstAfter = chain.find((t) => t >= T1);
  return `  ${label}: ${cg.length} firings while hidden, gap ` +
    `${cg.length ? `min ${f1(Math.min(...cg))}, max ${f1(Math.max(...cg))}` : 'n/a'}; ` +
    `gaps >= 5 s (s from hiding): ${longGaps.join(', ') || 'none'}; last firing before showing at ${lastFire ? rel(lastFire) : '-'} s; ` +
    `first firing after showing at ${firstAfter ? `+${f1(firstAfter - T1)} s` : '- (none yet)'}`;
}

function report(v, log, chain, chainVis, phoneEvents, inPage) {
  const out = [];
  // the page's own visibilitychange times when it saw them, else when CDP was told
  const T0 = log.vis.find(([t, st]) => st === 'hidden' && t >= v.hiddenAt - 1000)?.[0] ?? v.hiddenAt;
  const T1 = log.vis.find(([t, st]) => st === 'visible' && t > T0)?.[0] ?? v.shownAt;
  const rel = (t) => f1(t - T0);
  out.push(`\n=== ${v.name}: ${v.user}, Chromium args + ${v.extra.join(' ') || '(nothing)'}; hidden ${f1(T1 - T0)} s ===`);
  out.push(`document.visibilityState/hidden 0.3 s after hiding: ${v.visAfterHide}; 0.3 s after showing: ${v.visAfterShow}`);
  out.push(`visibilitychange events (s from hiding): ${log.vis.slice(1).map(([t, s]) => `${rel(t)} ${s}`).join(', ') || 'none'}`);
  out.push(`visibility samples while hidden: ${v.samples.map(([t, s]) => `${rel(t)} s ${s}`).join(', ')}`);
  // the last REGISTER before hiding starts the refresh chain
  const regs = log.ws.filter((e) => e.dir === 'out' && e.kind === 'REGISTER');
  const ok = log.ws.filter((e) => e.dir === 'in' && /^200 REGISTER/.test(e.kind));
  const lastRegBefore = regs.filter((e) => e.t < T0).pop();
  const lastPingBefore = log.ws.filter((e) => e.dir === 'out' && e.kind === 'ping' && e.t < T0).pop();
  const hiddenEv = log.ws.filter((e) => e.t >= T0 && e.t < T1);
  const rows = [['t (s)', 'dir', 'what', 'gap since previous same (s)']];
  const prev = {};
  if (lastRegBefore) prev['out REGISTER'] = lastRegBefore.t;
  if (lastPingBefore) prev['out ping'] = lastPingBefore.t;
  for (const e of hiddenEv) {
    const key = `${e.dir} ${e.kind}`;
    rows.push([rel(e.t), e.dir, e.kind, prev[key] ? f1(e.t - prev[key]) : '-']);
    prev[key] = e.t;
  }
  out.push('\nFrames while hidden (t from hiding; the gap of the first one counts from the last one before hiding):');
  out.push(pad(rows));
  const pings = log.ws.filter((e) => e.dir === 'out' && e.kind === 'ping' && e.t < T1).map((e) => e.t);
  const hiddenPings = pings.filter((t) => t >= T0);
  const pingGaps = [];
  for (let i = 1; i < pings.length; i++) if (pings[i] >= T0) pingGaps.push(pings[i] - pings[i - 1]);
  const regTimes = regs.filter((e) => e.t < T1).map((e) => e.t);
  const regGaps = [];
  for (let i = 1; i < regTimes.length; i++) if (regTimes[i] >= T0) regGaps.push(regTimes[i] - regTimes[i - 1]);
  // lapsed: from a 200 OK to the next REGISTER's 200 OK, more than the granted 60 s
  const okTimes = ok.map((e) => e.t);
  const lapses = [];
  for (let i = 1; i < okTimes.length; i++) if (okTimes[i] - okTimes[i - 1] > EXPIRES * 1000) lapses.push(`${rel(okTimes[i - 1])}..${rel(okTimes[i])}`);
  const lastOk = okTimes.filter((t) => t < T1).pop();
  if (lastOk && T1 - lastOk > EXPIRES * 1000) lapses.push(`${rel(lastOk)}..(none before showing)`);
  const gapsInterval = (xs) => xs.length ? `min ${f1(Math.min(...xs))}, max ${f1(Math.max(...xs))}` : 'n/a';
  out.push(`\nSummary while hidden (${f1(T1 - T0)} s):`);
  out.push(`  keep-alive pings sent: ${hiddenPings.length}; gaps between pings (s): ${gapsInterval(pingGaps)}` +
    (KEEPALIVE ? ` (expected: a ping after 2/3 of keepAlive = ${f1(KEEPALIVE * 2000 / 3)} s without a frame either way)` : ' (keepAlive 0: no pings)'));
  const frames = log.ws.filter((e) => e.dir === 'in' || e.dir === 'out').map((e) => e.t);
  const silences = [];
  for (let i = 1; i < frames.length; i++) if (frames[i] >= T0 && frames[i] < T1) silences.push(frames[i] - frames[i - 1]);
  out.push(`  longest silence on the WebSocket (no frame either way) while hidden: ${silences.length ? f1(Math.max(...silences)) : 'n/a'} s ${KEEPALIVE ? `(the core declares the flow dead after ${KEEPALIVE} s)` : '(keepAlive 0: never declared dead)'}`);
  out.push(`  pongs received: ${hiddenEv.filter((e) => e.kind === 'pong').length}`);
  out.push(`  REGISTER sent: ${hiddenEv.filter((e) => e.dir === 'out' && e.kind === 'REGISTER').length}; gaps between REGISTERs (s): ${gapsInterval(regGaps)} (refresh due at 90% of ${EXPIRES} s = 54 s)`);
  out.push(`  REGISTER later than ${EXPIRES} s after the previous one: ${regGaps.some((g) => g > EXPIRES * 1000) ? 'YES' : 'no'}`);
  out.push(`  registration lapsed (more than ${EXPIRES} s between successive 200 OKs to REGISTER): ${lapses.length ? `YES ${lapses.join(', ')}` : 'no'}`);
  out.push(`  other frames: ${[...new Set(hiddenEv.filter((e) => !['ping', 'pong', 'REGISTER', '200 REGISTER', '401 REGISTER'].includes(e.kind)).map((e) => `${e.dir} ${e.kind}`))].join(', ') || 'none'}`);
  const tm = log.timers.filter((x) => x.fired >= T0 && x.fired < T1).map((x) => x.fired - x.at - x.ms);
  out.push(`  page setTimeout (>= 500 ms asked) fired while hidden: ${tm.length}; lateness (ms): ` +
    (tm.length ? `median ${tm.sort((a, b) => a - b)[tm.length >> 1]}, max ${Math.max(...tm)}` : 'n/a'));
  const pe = phoneEvents.filter((e) => e.t >= T0 && e.name.startsWith('phone:'));
  out.push(`  phone events while hidden and after: ${pe.map((e) => `${rel(e.t)} ${e.name}`).join(', ') || 'none'}`);
  // control chain
  out.push(chainLine(`control tab (chained setTimeout 1000 ms; its visibility: ${chainVis}; it stays hidden after the phone's tab is shown)`, chain, rel, T1));
  if (inPage) out.push(chainLine('the same chain in the phone\'s own page', inPage, rel, T1));
  // after showing
  const after = log.ws.filter((e) => e.t >= T1);
  out.push(`\nAfter showing again (${VISIBLE_S} s): ${after.length ? after.map((e) => `${f1(e.t - T1)} s ${e.dir} ${e.kind}`).join(', ') : 'no frames'}`);
  const ta = log.timers.filter((x) => x.fired >= T1).map((x) => x.fired - x.at - x.ms);
  out.push(`  page setTimeout fired after showing: ${ta.length}, lateness max ${ta.length ? Math.max(...ta) : 'n/a'} ms`);
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------
async function main() {
  console.log(`background-tab: ${CHROMIUM} ${CHROMIUM_ARGS.join(' ')}`);
  console.log(`phone: keepAlive ${KEEPALIVE} s, registerExpires ${EXPIRES} s; hidden ${HIDDEN_S} s; grace ${GRACE_S} s (intensive)`);
  if (!process.env.SKIP_PROBE) {
    const rows = await probePlaywright();
    console.log('\n=== 1. Playwright (launchBrowser() of tests/e2e/support.js): document.visibilityState after each step ===');
    console.log(pad([['step (cumulative)', 'visibilityState'], ...rows]));
  }
  const web = await startPageServer({});
  cleanups.push(() => web.stop());
  const kam = await startKamailio({ alg: 'SHA-256' });
  cleanups.push(() => kam.stop());
  const vs = [];
  for (const name of VARIANTS) vs.push(await openVariant(name, web, kam));
  console.log(`\nregistered: ${vs.map((v) => v.user).join(', ')}; waiting 12 s for a first ping, then hiding`);
  await sleep(12000);
  for (const v of vs) await hide(v);
  for (const v of vs) v.samples = [[Date.now(), JSON.parse(v.visAfterHide)[0]]];
  const end = Date.now() + HIDDEN_S * 1000;
  while (Date.now() < end) {
    await sleep(Math.min(60000, end - Date.now()));
    for (const v of vs) {
      v.samples.push([Date.now(), await v.cdp.evaluate(v.s, 'document.visibilityState', 10000).catch((e) => `error ${e.message}`)]);
    }
    process.stdout.write(`  ${Math.round((Date.now() - vs[0].hiddenAt) / 1000)} s hidden\n`);
  }
  for (const v of vs) await show(v);
  await sleep(VISIBLE_S * 1000);
  for (const v of vs) {
    const log = await v.cdp.evaluate(v.s, 'window.__bg');
    const chain = await v.cdp.evaluate(v.ctl, 'window.__chain');
    const cvis = await v.cdp.evaluate(v.ctl, 'window.__vis.map(([t, s]) => s).join(" > ")');
    const info = await v.cdp.evaluate(v.s, 'window.sipPeer.info()');
    const inPage = VARIANT[v.name].chainInPage ? await v.cdp.evaluate(v.s, 'window.__chainInPage') : null;
    console.log(report(v, log, chain, cvis, info.events || [], inPage));
  }
  for (const v of vs) await v.cdp.evaluate(v.s, 'window.sipPeer.close && window.sipPeer.close()', 5000).catch(() => {});
}

try {
  await main();
} catch (e) {
  console.error('background-tab failed:', e);
  process.exitCode = 1;
} finally {
  await cleanup();
  clearTimeout(watchdog);
}
