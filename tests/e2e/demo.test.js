// E2E: `make demo` as a user runs it (tools/demo.sh: Kamailio, coturn, the page server),
// then alice and bob in two Chromium pages register, call each other with the buttons,
// and see the security report.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT, USERS, freePort } from '../node/support/servers.js';
import { launchBrowser } from './support.js';

const MS = 20000;

describe('make demo: two users call each other on the demo page', () => {
  let demo, browser, url;
  before(async () => {
    const [kam, turn, web] = [await freePort(), await freePort(), await freePort()];
    demo = spawn('bash', [path.join(ROOT, 'tools/demo.sh')], {
      env: { ...process.env, KAM_PORT: String(kam), TURN_PORT: String(turn), WEB_PORT: String(web) },
      stdio: ['ignore', 'pipe', 'inherit'], detached: true,
    });
    await new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('demo did not start in 60 s')), 60000);
      demo.stdout.on('data', (d) => { if (String(d).includes('sipshield demo: open')) { clearTimeout(t); resolve(); } });
      demo.once('exit', (code) => { clearTimeout(t); reject(new Error(`demo.sh exited ${code}`)); });
    });
    url = `http://127.0.0.1:${web}`;
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    if (demo && demo.exitCode === null) {
      const exited = new Promise((resolve) => demo.once('exit', resolve));
      process.kill(-demo.pid, 'SIGTERM');  // demo.sh's trap stops Kamailio and coturn by PID
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15000))]);
    }
  });

  const text = (page, sel, re) => page.waitForFunction(([s, src]) =>
    new RegExp(src).test(document.querySelector(s).textContent), [sel, re.source], { timeout: MS });

  async function user(name) {
    const ctx = await browser.newContext({ permissions: ['microphone'] });
    const page = await ctx.newPage();
    const errors = [];
    const minted = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('response', async (r) => {
      if (r.url().endsWith('/sip-credentials')) minted.push(await r.json());
    });
    await page.goto(`${url}/?user=${name}`);
    await text(page, '#signedin', /^signed in as /);
    await page.click('#register');
    await text(page, '#status', /^registered as /);
    return { ctx, page, errors, minted };
  }

  it('the config has both users and TURN credentials; a call connects with a report', async () => {
    const cfg = await (await fetch(`${url}/demo-config.json`)).json();
    assert.deepEqual(Object.keys(cfg.users).sort(), ['alice', 'bob']);
    // no SIP password anywhere in what the page is given
    for (const pw of USERS.values()) assert.ok(!JSON.stringify(cfg).includes(pw));
    assert.ok(!JSON.stringify(cfg).includes('password'));
    assert.match(cfg.iceServers[0].urls, /^turn:127\.0\.0\.1:\d+\?transport=udp$/);
    assert.match(cfg.iceServers[0].username, /^\d+:demo$/);

    const alice = await user('alice');
    const bob = await user('bob');
    await alice.page.click('#call');
    await bob.page.waitForSelector('#incoming', { state: 'visible', timeout: MS }).catch(async (e) => {
      throw new Error(`${e.message}\nalice: ${await alice.page.textContent('#callstatus')}\n` +
        `${await alice.page.textContent('#log')}\nbob: ${await bob.page.textContent('#log')}`);
    });
    assert.match(await bob.page.textContent('#from'), /sip:alice@sipshield\.test/);
    await bob.page.click('#answer');
    await text(alice.page, '#callstatus', /^in a call with /);
    await text(bob.page, '#callstatus', /^in a call with /);
    await text(alice.page, '#security', /"srtpCipher": "/);
    const report = JSON.parse(await alice.page.textContent('#security'));
    assert.equal(report.signalling, 'wss');
    assert.equal(report.privacy, 'mdns');
    assert.ok(report.dtlsCipher);
    await alice.page.click('#hangup');
    await text(alice.page, '#callstatus', /^call ended: local-hangup/);
    await text(bob.page, '#callstatus', /^call ended: remote-hangup/);
    assert.deepEqual([...alice.errors, ...bob.errors], []);
    // the short-lived credential the core used is in no storage and no DOM of the page
    for (const { page, minted } of [alice, bob]) {
      assert.equal(minted.length, 1, 'one credential for register and call');
      assert.match(minted[0].username, /^\d{10}:(alice|bob)$/);
      const seen = await page.evaluate(() => [document.documentElement.outerHTML,
        JSON.stringify({ ...localStorage }), JSON.stringify({ ...sessionStorage }), document.cookie].join('\n'));
      assert.ok(!seen.includes(minted[0].password) && !seen.includes(minted[0].username));
    }
    await alice.ctx.close();
    await bob.ctx.close();
  });
});
