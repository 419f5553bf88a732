// Drives Debian's headless chromium (playwright-core, no browser download) against a running manager's dashboard
// and checks what a person would: the charts' numbers move, they match the REST counters, the page's controls change
// the manager, and it looks right (a screenshot). Run by DashboardBrowserTest:
//
//   node dashboard.test.mjs BASE_URL SCREENSHOT GENERATOR_RATE
//
// Prints one line per check and "dashboard test: ok" at the end; exits 1 on the first failed check. Bounded: the
// whole run stops itself after 60 s.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [base, screenshot, rateArg] = process.argv.slice(2);
const rate = Number(rateArg);
const deadline = setTimeout(() => { console.error('dashboard test: timed out after 60 s'); process.exit(2); }, 60_000);

function check(condition, message) {
  if (!condition) throw new Error('check failed: ' + message);
  console.log('ok: ' + message);
}

async function rest(path, init) {
  const res = await fetch(new URL(path, base), init);
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

// Polls fn until it returns a truthy value; throws after ms.
async function until(what, fn, ms = 10_000) {
  const end = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > end) throw new Error('timed out waiting for ' + what);
    await new Promise(r => setTimeout(r, 50));
  }
}

const started = Date.now();
const userDataDir = mkdtempSync(join(tmpdir(), 'jnetvm-chromium-'));
let context;
try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1400, height: 1000 },
  });
  const page = context.pages()[0] ?? await context.newPage();
  const errors = [];
  page.on('pageerror', e => errors.push(String(e)));
  await page.goto(base);

  const events = async () => Number(await page.getAttribute('#updated', 'data-events'));
  await until('two events on the page', async () => await events() >= 2);
  check(await page.isVisible('#live.live'), 'the page is live (event stream connected)');

  // The port's counter on the page moves, and matches the REST counter read around it.
  const cell = (row, cls) => page.getAttribute(`${row} .${cls}`, 'data-value').then(Number);
  const r1 = (await rest('/api/v1/ports/gen0')).rx_packets;
  const d = await until('the page to show a count newer than REST ' + r1,
    async () => { const v = await cell('tr[data-port="gen0"]', 'rx-total'); return v > r1 ? v : 0; });
  const r2 = (await rest('/api/v1/ports/gen0')).rx_packets;
  check(r1 < d && d <= r2, `port gen0 rx packets on the page (${d}) lie between two REST reads (${r1}, ${r2})`);

  // One tick's rate is one 200 ms window: on a loaded machine the generator thread can miss part of one and catch up
  // in the next, so the check takes the median of five successive ticks, as a person glancing at the page would.
  const rates = [];
  for (let i = 0; i < 5; i++) {
    const seen = await events();
    await until('event ' + (seen + 1), async () => await events() > seen);
    rates.push(await cell('tr[data-port="gen0"]', 'rx-rate'));
  }
  const pageRate = rates.sort((a, b) => a - b)[2];
  check(pageRate > rate * 0.5 && pageRate < rate * 1.5,
    `port gen0 rx rate on the page (median ${Math.round(pageRate)}/s of ${rates.map(Math.round).join(', ')}) is near the generator's ${rate}/s`);

  // The NF table: each live NF's count matches REST the same way.
  const nfs = (await rest('/api/v1/nfs')).filter(nf => nf.state === 'running');
  check(nfs.length >= 2, `${nfs.length} running NFs listed by REST`);
  for (const nf of nfs) {
    const row = `tr[data-slot="${nf.slot}"]`;
    const before = (await rest(`/api/v1/nfs/${nf.slot}`)).rx_packets;
    const shown = await until(`slot ${nf.slot} to move past ${before}`,
      async () => { const v = await cell(row, 'rx-total'); return v > before ? v : 0; });
    const after = (await rest(`/api/v1/nfs/${nf.slot}`)).rx_packets;
    check(before < shown && shown <= after, `NF ${nf.service} (slot ${nf.slot}) rx on the page (${shown}) lies between REST reads (${before}, ${after})`);
    check(await page.textContent(`${row} .state`) === 'running', `NF ${nf.service} shows running`);
  }

  // The charts: the rate line gains points, and its last point is the rate shown.
  const points = () => page.getAttribute('polyline[data-series="port:gen0:rx"]', 'data-points').then(Number);
  const p1 = await points();
  await until('the chart to gain a point', async () => await points() > p1);
  const last = Number(await page.getAttribute('polyline[data-series="port:gen0:rx"]', 'data-last'));
  check(last > rate * 0.5, `the port chart grew from ${p1} points, last ${Math.round(last)}/s`);
  const nfChart = Number(await page.getAttribute(`polyline[data-series="nf:${nfs[0].slot}:rx"]`, 'data-last'));
  check(nfChart > 0, `NF slot ${nfs[0].slot}'s chart shows ${Math.round(nfChart)}/s`);

  // The chain graph: the default chain, with live rates on its edges.
  const edges = await page.$$eval('svg.graph.default text.rate', ts => ts.map(t => Number(t.dataset.value)));
  check(edges.length >= 2 && edges.every(v => v > 0), `the default chain's edges carry rates: ${edges.map(Math.round).join(', ')}`);

  // The hop graph: every hop REST counts is drawn with a rate, the TONF hand-off fwd -> out (no chain names it) and
  // the port hop made by the TX thread included.
  const restHops = (await rest('/api/v1/stats')).hops.map(h => `${h.from}->${h.to}`);
  const pageHops = () => page.$$eval('#hops text.rate', ts => Object.fromEntries(ts.map(t => [t.dataset.edge,
    t.dataset.value === '' ? null : Number(t.dataset.value)])));
  const drawn = await pageHops();
  check(restHops.every(h => h in drawn), `every hop REST counts is drawn: ${restHops.join(', ')}`);
  for (const hop of ['ports in->monitor', 'monitor->fwd', 'fwd->out', 'out->gen0']) {
    const v = await until(`hop ${hop} to carry packets on the page`, async () => (await pageHops())[hop] > 0 && (await pageHops())[hop]);
    check(v > 0, `${hop === 'fwd->out' ? 'the TONF hop ' : 'hop '}${hop} drawn at ${Math.round(v)}/s`);
  }
  check(await page.isVisible('#hops rect[data-node="out"]'), 'the NF only TONF reaches (out) has its box');

  // The per-flow pool: the two flows a rule sends to the per-flow chain each have an instance of their own, shown
  // as one row for the service, not as its four NFs.
  const poolRow = 'tr[data-service="acct"]';
  const activations = await until('the per-flow pool to count its flows',
    async () => { const v = await cell('#flow-pools ' + poolRow, 'activations'); return v >= 2 ? v : 0; });
  const restPool = (await rest('/api/v1/stats')).flow_pools.find(p => p.service === 'acct');
  check(restPool.instances === 4 && activations <= restPool.activations && restPool.live >= 1,
    `per-flow pool acct on the page: ${activations} flows; REST: ${restPool.instances} instances, ${restPool.live} live`);
  check(!(await rest('/api/v1/nfs')).some(nf => nf.service === 'acct'), 'per-flow NFs are listed as their pool only');

  // Drops and pool are there and agree with REST's names.
  const reasons = await page.$$eval('#drops tr[data-reason]', rs => rs.map(r => r.dataset.reason));
  check(JSON.stringify(reasons) === JSON.stringify(Object.keys((await rest('/api/v1/drops')).total)), 'every drop reason is listed');
  check(await page.isVisible('#pool .bar'), 'the pool bar is drawn');

  // NFVnice: each NF's measured cost per packet, and each chain's backpressure, as REST has them.
  const costs = await page.$$eval('#nfs td.cost', ts => ts.map(t => Number(t.dataset.value)));
  check(costs.some(v => v > 0), `NF costs per packet on the page: ${costs.map(Math.round).join(', ')} ns`);
  const stats = await rest('/api/v1/stats');
  const pageChains = await page.$$eval('#backpressure tr[data-chain]', rs => rs.map(r => r.dataset.chain));
  check(JSON.stringify(pageChains) === JSON.stringify(stats.chains.map(c => c.name)),
    `every chain in the backpressure table: ${pageChains.join(', ')}`);

  // Controls: pause the last NF of the chain from the page, then resume it.
  const target = nfs[nfs.length - 1];
  await page.click(`tr[data-slot="${target.slot}"] button.toggle`);
  await until('REST to say paused', async () => (await rest(`/api/v1/nfs/${target.slot}`)).state === 'paused');
  await until('the page to say paused', async () => await page.textContent(`tr[data-slot="${target.slot}"] .state`) === 'paused');
  check(true, `pause from the page: slot ${target.slot} is paused`);
  await page.click(`tr[data-slot="${target.slot}"] button.toggle`);
  await until('REST to say running', async () => (await rest(`/api/v1/nfs/${target.slot}`)).state === 'running');
  check(true, `resume from the page: slot ${target.slot} runs again`);

  // Controls: the default-chain selector changes the manager's default chain.
  const chains = await rest('/api/v1/chains');
  const other = chains.find(c => !c.is_default);
  if (other) {
    await page.selectOption('#default-chain', other.name);
    await until('REST default chain ' + other.name, async () => (await rest('/api/v1/default-chain')).name === other.name);
    check(true, `default chain set to ${other.name} from the page`);
    await rest('/api/v1/default-chain', { method: 'PUT', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ chain: 0 }) });
  }

  // Controls: a flow rule added through the page's form shows up in REST's list and on the page; removed again.
  const before = (await rest('/api/v1/flows')).rules.length;
  await page.fill('#flow-form input[name="priority"]', '7');
  await page.fill('#flow-form input[name="protocol"]', 'udp');
  await page.fill('#flow-form input[name="dst"]', '192.0.2.0/24');
  await page.fill('#flow-form input[name="dst_port"]', '4000-4100');
  await page.selectOption('#flow-form select[name="target"]', 'drop');
  await page.click('#flow-form button');
  const added = await until('REST to list the new rule', async () =>
    (await rest('/api/v1/flows')).rules.find(r => r.dst === '192.0.2.0/24' && r.dst_port === '4000-4100'
      && r.priority === 7 && r.protocol === 'udp' && r.drop === true));
  check((await rest('/api/v1/flows')).rules.length === before + 1, `rule ${added.id} added from the page: ${added.description}`);
  await until('the page to list the rule', async () => await page.isVisible(`#flows tr[data-rule="${added.id}"]`));
  await page.click(`#flows tr[data-rule="${added.id}"] button.remove`);
  await until('REST to drop the rule', async () => !(await rest('/api/v1/flows')).rules.some(r => r.id === added.id));
  check(true, `rule ${added.id} removed from the page`);

  // Flow-rule steering: a rule sending the generator's UDP straight to service out gives the graph a hop ports in->out.
  await page.fill('#flow-form input[name="priority"]', '9');
  await page.fill('#flow-form input[name="protocol"]', 'udp');
  await page.fill('#flow-form input[name="dst"]', '');
  await page.fill('#flow-form input[name="dst_port"]', '');
  await page.selectOption('#flow-form select[name="target"]', 'service:out');
  await page.click('#flow-form button');
  const steer = await until('REST to list the steering rule', async () =>
    (await rest('/api/v1/flows')).rules.find(r => r.priority === 9 && r.protocol === 'udp'));
  const steered = await until('the page to draw ports in->out with packets', async () => (await pageHops())['ports in->out'] > 0
    && (await pageHops())['ports in->out']);
  check(steered > 0, `a flow rule's hop ports in->out drawn at ${Math.round(steered)}/s (rule ${steer.id}: ${steer.description})`);
  await until('the page to list the steering rule', async () => await page.isVisible(`#flows tr[data-rule="${steer.id}"]`));
  await page.click(`#flows tr[data-rule="${steer.id}"] button.remove`);
  await until('REST to drop the steering rule', async () => !(await rest('/api/v1/flows')).rules.some(r => r.id === steer.id));

  await until('the page to show it running', async () => await page.textContent(`tr[data-slot="${target.slot}"] .state`) === 'running');
  await until('the page to show the default chain back', async () => await page.inputValue('#default-chain') === 'default');
  const shown = await events();
  await until('a few more events for the charts', async () => await events() >= shown + 5);
  await page.screenshot({ path: screenshot, fullPage: true });
  check(errors.length === 0, 'no script errors on the page' + (errors.length ? ': ' + errors.join('; ') : ''));
  console.log(`dashboard test: ok (${((Date.now() - started) / 1000).toFixed(1)} s)`);
} catch (e) {
  console.error('dashboard test: ' + (e.stack || e));
  process.exitCode = 1;
} finally {
  await context?.close();
  rmSync(userDataDir, { recursive: true, force: true });
  clearTimeout(deadline);
}
