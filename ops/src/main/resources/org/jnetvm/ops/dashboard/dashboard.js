// JNetVM dashboard: reads the manager's event stream (GET /api/v1/events, server-sent events, one per second) and
// draws it. The stream is read with fetch() rather than EventSource so that a Bearer token can be sent. Every number
// shown comes from the event: the server computes rates, this script only keeps the last 60 for the charts.
'use strict';

const HISTORY = 60;
const series = new Map();           // series key -> last HISTORY values
let token = tokenFromPage();
let events = 0;

function tokenFromPage() {
  const hash = new URLSearchParams(location.hash.slice(1));
  if (hash.get('token')) {
    sessionStorage.setItem('jnetvm-token', hash.get('token'));
    window.history.replaceState(null, '', location.pathname); // keep the token out of the address bar
  }
  return sessionStorage.getItem('jnetvm-token');
}

function headers(extra) {
  const h = Object.assign({}, extra);
  if (token) h.Authorization = 'Bearer ' + token;
  return h;
}

function $(selector) { return document.querySelector(selector); }

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v; else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

function svg(tag, attrs, ...children) {
  const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

const number = new Intl.NumberFormat('en');
function fmt(n) { return n === undefined || n === null ? '-' : number.format(Math.round(n)); }

function remember(key, value) {
  let h = series.get(key);
  if (!h) { h = []; series.set(key, h); }
  if (value !== undefined && value !== null) {
    h.push(value);
    if (h.length > HISTORY) h.shift();
  }
  return h;
}

// A line chart of one or two series (rx, tx): the last HISTORY values, scaled to the largest.
function chart(lines, width, height) {
  const max = Math.max(1, ...lines.flatMap(l => l.values));
  const s = svg('svg', {class: 'chart', width, height, viewBox: `0 0 ${width} ${height}`});
  for (const {name, values, key} of lines) {
    const step = width / (HISTORY - 1);
    const offset = HISTORY - values.length;
    const points = values.map((v, i) => `${((offset + i) * step).toFixed(1)},${(height - 1 - v / max * (height - 2)).toFixed(1)}`);
    s.append(svg('polyline', {class: name, points: points.join(' '), 'data-series': key,
      'data-points': values.length, 'data-last': values.length ? values[values.length - 1] : ''}));
  }
  return s;
}

function bar(fraction, cls) {
  const b = el('span', {class: 'bar' + (cls ? ' ' + cls : '')});
  const i = el('i');
  i.style.width = (Math.min(1, Math.max(0, fraction)) * 100).toFixed(1) + '%';
  b.append(i);
  return b;
}

function render(e) {
  const s = e.stats;
  $('#region').textContent = e.region;
  renderPorts(s.ports);
  renderHops(s.hops, e.chains);
  renderChains(e.chains, s);
  renderNfs(s.nfs);
  renderFlowPools(s.flow_pools);
  renderDrops(s.drops, s.drop_rates);
  renderBackpressure(s.chains);
  renderPool(s.pool);
  renderDefaultChain(e.chains);
  renderFlowTargets(e.chains, e.services);
  if (events % 5 === 0) refreshFlows();
  events++;
  const updated = $('#updated');
  updated.textContent = 'updated ' + new Date(s.time_ms).toLocaleTimeString();
  updated.dataset.events = events;
  $('#live').classList.add('live');
}

function renderPorts(ports) {
  const body = $('#ports tbody');
  body.replaceChildren(...ports.map(p => {
    const rx = remember('port:' + p.name + ':rx', p.rx_pps);
    const tx = remember('port:' + p.name + ':tx', p.tx_pps);
    return el('tr', {'data-port': p.name},
      el('td', {}, p.name), el('td', {class: 'text'}, p.kind),
      el('td', {class: 'rx-rate', 'data-value': p.rx_pps ?? ''}, fmt(p.rx_pps)),
      el('td', {class: 'tx-rate', 'data-value': p.tx_pps ?? ''}, fmt(p.tx_pps)),
      el('td', {class: 'rx-total', 'data-value': p.rx_packets}, fmt(p.rx_packets)),
      el('td', {class: 'tx-total', 'data-value': p.tx_packets}, fmt(p.tx_packets)),
      el('td', {class: 'drops', 'data-value': p.rx_drops}, fmt(p.rx_drops)),
      el('td', {}, chart([{name: 'rx', values: rx, key: 'port:' + p.name + ':rx'},
                          {name: 'tx', values: tx, key: 'port:' + p.name + ':tx'}], 240, 36)));
  }));
}

// Every hop packets take, as the region's hop counters measured it (RX threads, NFs and TX threads each count the hops
// they complete): ports in, services and ports out as boxes, an edge for each hop that carried packets (a chain's hop,
// a TONF hand-off, a flow rule's entry into a service) labelled with packets per second. A configured chain hop that
// never carried a packet is drawn dashed, so a chain shows before traffic does. Columns: longest path from ports in.
function renderHops(hops, chains) {
  const nodes = new Map();  // id -> {label, port}
  const node = (id, label, port) => { if (!nodes.has(id)) nodes.set(id, {label, port}); return id; };
  const edges = new Map();  // "from>to" -> {from, to, pps, measured}
  node('in', 'ports in', true);
  for (const h of hops ?? []) {
    if (h.from === 'other') continue; // a writer with more than 15 hops: summed, not drawn
    const from = h.from_service === 0 ? 'in' : node('svc:' + h.from, h.from, false);
    const to = h.to_port !== undefined ? node('out:' + h.to, h.to, true) : node('svc:' + h.to, h.to, false);
    edges.set(from + '>' + to, {from, to, pps: h.pps, measured: true});
  }
  for (const c of chains) {
    let prev = c.is_default ? 'in' : null; // other chains are entered only by flow rules
    for (const name of c.services) {
      const id = node('svc:' + name, name, false);
      if (prev && !edges.has(prev + '>' + id)) edges.set(prev + '>' + id, {from: prev, to: id, measured: false});
      prev = id;
    }
  }
  const column = new Map([['in', 0]]);
  for (let round = 0; round < nodes.size; round++) { // longest path, bounded: a cycle stops growing after n rounds
    for (const e of edges.values()) {
      if (column.has(e.from) && !e.to.startsWith('out:') && (column.get(e.to) ?? -1) < column.get(e.from) + 1
          && column.get(e.from) + 1 < nodes.size) column.set(e.to, column.get(e.from) + 1);
    }
  }
  let last = 0;
  for (const id of nodes.keys()) {
    if (!id.startsWith('out:')) { if (!column.has(id)) column.set(id, 1); last = Math.max(last, column.get(id)); }
  }
  for (const id of nodes.keys()) if (id.startsWith('out:')) column.set(id, last + 1);
  // Hops that skip columns (a flow rule's entry into a service deep in the graph) arc over the boxes, each a little
  // higher than the one before; hops back or within a column curve below.
  const box = 120, gap = 80, h = 30, vgap = 26;
  const span = e => column.get(e.to) - column.get(e.from);
  let arcs = 0;
  for (const e of edges.values()) if (span(e) > 1) e.lift = 30 + 14 * arcs++;
  const top = arcs ? Math.round(0.75 * (30 + 14 * (arcs - 1))) + 18 : 6;
  const back = [...edges.values()].some(e => span(e) < 1);
  const rows = new Map(), at = new Map();
  for (const [id] of nodes) {
    const c = column.get(id), r = rows.get(c) ?? 0;
    rows.set(c, r + 1);
    at.set(id, {x: 4 + c * (box + gap), y: top + r * (h + vgap)});
  }
  const width = 8 + (last + 2) * (box + gap);
  const height = top + Math.max(...rows.values()) * (h + vgap) - vgap + (back ? 2 * h + 10 : 6);
  const g = svg('svg', {class: 'graph', id: 'hops-graph', width, height});
  g.append(svg('defs', {}, svg('marker', {id: 'hop-arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 6,
    markerHeight: 6, orient: 'auto-start-reverse'}, svg('path', {d: 'M 0 0 L 10 5 L 0 10 z', fill: '#8b98a5'}))));
  for (const e of edges.values()) {
    const a = at.get(e.from), b = at.get(e.to);
    let d, mx, my;
    if (span(e) === 1) {
      const x1 = a.x + box, y1 = a.y + h / 2, x2 = b.x - 2, y2 = b.y + h / 2;
      d = `M ${x1} ${y1} C ${x1 + gap / 2} ${y1} ${x2 - gap / 2} ${y2} ${x2} ${y2}`;
      mx = (x1 + x2) / 2; my = (y1 + y2) / 2 - 5;
    } else if (span(e) > 1) {
      const x1 = a.x + box * 0.75, y1 = a.y, x2 = b.x + box * 0.25, y2 = b.y - 2;
      d = `M ${x1} ${y1} C ${x1} ${y1 - e.lift} ${x2} ${y2 - e.lift} ${x2} ${y2}`;
      mx = (x1 + x2) / 2; my = Math.min(y1, y2) - 0.75 * e.lift - 3;
    } else {
      const x1 = a.x + box, y1 = a.y + h / 2, x2 = b.x - 2, y2 = b.y + h / 2;
      d = `M ${x1} ${y1} C ${x1 + gap} ${y1 + 2 * h} ${x2 - gap} ${y2 + 2 * h} ${x2} ${y2}`;
      mx = (x1 + x2) / 2; my = Math.max(y1, y2) + 1.5 * h;
    }
    g.append(svg('path', {class: 'hop' + (e.measured ? '' : ' idle'), d}));
    const label = `${nodes.get(e.from).label}->${nodes.get(e.to).label}`;
    g.append(svg('text', {x: mx, y: my, 'text-anchor': 'middle', class: 'rate', 'data-edge': label,
      'data-value': e.pps ?? ''}, e.pps === undefined || e.pps === null ? '-' : fmt(e.pps) + '/s'));
  }
  for (const [id, n] of nodes) {
    const p = at.get(id);
    g.append(svg('rect', {x: p.x, y: p.y, width: box, height: h, class: n.port ? 'port' : '', 'data-node': n.label}));
    g.append(svg('text', {x: p.x + box / 2, y: p.y + h / 2 + 4, 'text-anchor': 'middle'}, n.label));
  }
  $('#hops').replaceChildren(g);
}

// Each chain as a row of boxes: the ports packets enter by, its services, the ports they leave by. An edge shows the
// packets per second into the box it points at (a service's rx rate over its instances, a port's tx rate).
function renderChains(chains, s) {
  const serviceRate = new Map();
  for (const nf of s.nfs) {
    if (nf.rx_pps !== undefined) serviceRate.set(nf.service, (serviceRate.get(nf.service) || 0) + nf.rx_pps);
  }
  const portsIn = s.ports.filter(p => p.rx_packets > 0 || p.kind !== 'sink');
  const rxIn = portsIn.reduce((a, p) => a + (p.rx_pps || 0), 0);
  const txOut = s.ports.reduce((a, p) => a + (p.tx_pps || 0), 0);
  const box = 120, gap = 70, h = 56;
  const container = $('#chains');
  container.replaceChildren(...chains.map(c => {
    const nodes = [{label: 'ports in', port: true}]
      .concat(c.services.map(name => ({label: name})))
      .concat([{label: 'ports out', port: true}]);
    const width = nodes.length * box + (nodes.length - 1) * gap + 10;
    const g = svg('svg', {class: 'graph' + (c.is_default ? ' default' : ''), width, height: h + 22,
      'data-chain': c.name});
    g.append(svg('defs', {}, svg('marker', {id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 6,
      markerHeight: 6, orient: 'auto-start-reverse'}, svg('path', {d: 'M 0 0 L 10 5 L 0 10 z', fill: '#8b98a5'}))));
    g.append(svg('text', {x: 4, y: 13}, `${c.name} (chain ${c.id})${c.is_default ? ' — default: packets enter here'
      : ' — not the default chain'}`));
    nodes.forEach((n, i) => {
      const x = 4 + i * (box + gap);
      g.append(svg('rect', {x, y: 20, width: box, height: h - 20, class: n.port ? 'port' : ''}));
      g.append(svg('text', {x: x + box / 2, y: 20 + (h - 20) / 2 + 4, 'text-anchor': 'middle'}, n.label));
      if (i > 0) {
        const next = nodes[i];
        let rate;
        if (!c.is_default) rate = next.port || i === 1 ? undefined : serviceRate.get(next.label); // no entry traffic
        else rate = next.port ? txOut : serviceRate.get(next.label);
        if (i === 1 && c.is_default && rate === undefined) rate = rxIn;
        const x1 = x - gap + 2, x2 = x - 2, y = 20 + (h - 20) / 2;
        g.append(svg('line', {x1, y1: y, x2, y2: y}));
        g.append(svg('text', {x: (x1 + x2) / 2, y: y - 6, 'text-anchor': 'middle', class: 'rate',
          'data-edge': `${nodes[i - 1].label}->${next.label}`, 'data-value': rate ?? ''}, rate === undefined ? '-' : fmt(rate) + '/s'));
      }
    });
    return g;
  }));
}

function renderNfs(nfs) {
  const body = $('#nfs tbody');
  body.replaceChildren(...nfs.map(nf => {
    const key = 'nf:' + nf.slot + ':rx';
    const rx = remember(key, nf.rx_pps);
    const live = nf.state === 'running' || nf.state === 'paused';
    const actions = el('td', {});
    if (live) {
      actions.append(el('button', {class: 'toggle', onclick: () => act('POST', `/api/v1/nfs/${nf.slot}/`
        + (nf.state === 'paused' ? 'resume' : 'pause'))}, nf.state === 'paused' ? 'resume' : 'pause'), ' ',
        el('button', {class: 'stop', onclick: () => act('DELETE', `/api/v1/nfs/${nf.slot}`)}, 'stop'));
    }
    return el('tr', {'data-slot': nf.slot, 'data-service': nf.service},
      el('td', {}, nf.slot), el('td', {class: 'text'}, nf.nf), el('td', {class: 'text'}, nf.service),
      el('td', {}, nf.instance), el('td', {}, nf.pid),
      el('td', {class: 'text'}, el('span', {class: 'state ' + nf.state}, nf.state)),
      el('td', {class: 'rx-rate', 'data-value': nf.rx_pps ?? ''}, fmt(nf.rx_pps)),
      el('td', {class: 'tx-rate', 'data-value': nf.tx_pps ?? ''}, fmt(nf.tx_pps)),
      el('td', {class: 'rx-total', 'data-value': nf.rx_packets}, fmt(nf.rx_packets)),
      el('td', {class: 'drops', 'data-value': nf.drops}, fmt(nf.drops)),
      el('td', {class: 'queue', 'data-value': nf.rx_queue, title: `${nf.rx_queue} of ${nf.ring_capacity}`},
        bar(nf.rx_queue / nf.ring_capacity), ' ' + nf.rx_queue),
      el('td', {class: 'cost', 'data-value': nf.cost_ns ?? ''}, nf.cost_ns === undefined ? '-' : fmt(nf.cost_ns)),
      el('td', {class: 'share', 'data-value': nf.cpu_share ?? ''}, nf.cpu_share === undefined ? '-' : String(nf.cpu_share)),
      el('td', {}, chart([{name: 'rx', values: rx, key}], 160, 22)),
      actions);
  }));
}

function renderFlowPools(pools) {
  $('#flow-pools tbody').replaceChildren(...(pools ?? []).map(p => el('tr', {'data-service': p.service},
    el('td', {class: 'text'}, p.service),
    el('td', {}, fmt(p.instances)),
    el('td', {class: 'live'}, fmt(p.live)),
    el('td', {class: 'idle'}, fmt(p.idle)),
    el('td', {class: 'activations', 'data-value': p.activations}, fmt(p.activations)),
    el('td', {}, fmt(p.activations_per_s)),
    el('td', {class: 'ended', 'data-value': p.ended}, fmt(p.ended)),
    el('td', {class: 'full', 'data-value': p.pool_full}, fmt(p.pool_full)),
    el('td', {class: 'failed', 'data-value': p.failed}, fmt(p.failed)))));
}

function renderBackpressure(chains) {
  $('#backpressure tbody').replaceChildren(...(chains ?? []).map(c => el('tr', {'data-chain': c.name},
    el('td', {class: 'text'}, c.name),
    el('td', {class: 'text'}, el('span', {class: 'state ' + (c.throttled ? 'paused' : 'running')},
      c.throttled ? 'throttled' : 'admitted')),
    el('td', {}, c.bottleneck_slot ?? '-'),
    el('td', {class: 'count', 'data-value': c.backpressure_drops}, fmt(c.backpressure_drops)),
    el('td', {}, fmt(c.backpressure_pps)),
    el('td', {class: 'ecn', 'data-value': c.ecn_marked}, fmt(c.ecn_marked)))));
}

function renderDrops(drops, rates) {
  const max = Math.max(1, ...Object.values(drops));
  $('#drops tbody').replaceChildren(...Object.entries(drops).map(([reason, n]) =>
    el('tr', {'data-reason': reason}, el('td', {}, reason), el('td', {class: 'count', 'data-value': n}, fmt(n)),
      el('td', {}, fmt(rates ? rates[reason] : undefined)), el('td', {class: 'text'}, bar(n / max, 'drop')))));
}

function renderPool(p) {
  const b = el('span', {class: 'bar'});
  let left = 0;
  for (const [part, color] of [['in_flight', 'var(--rx)'], ['cached', 'var(--warn)']]) {
    const i = el('i');
    i.style.left = (left * 100).toFixed(2) + '%';
    i.style.width = (p[part] / p.total * 100).toFixed(2) + '%';
    i.style.background = color;
    left += p[part] / p.total;
    b.append(i);
  }
  $('#pool').replaceChildren(b, el('div', {class: 'legend', 'data-in-flight': p.in_flight},
    el('span', {}, `${fmt(p.total)} buffers`), el('span', {}, `${fmt(p.free)} free`),
    el('span', {style: 'color: var(--warn)'}, `${fmt(p.cached)} cached`),
    el('span', {style: 'color: var(--rx)'}, `${fmt(p.in_flight)} in flight`)));
}

function renderDefaultChain(chains) {
  const select = $('#default-chain');
  if (document.activeElement === select) return;  // do not change it under the user's hand
  const current = chains.find(c => c.is_default);
  const names = chains.map(c => c.name).join(',');
  if (select.dataset.names !== names) {
    select.replaceChildren(...chains.map(c => el('option', {value: c.name}, `${c.name} (${c.services.join(' → ') || 'empty'})`)));
    select.dataset.names = names;
  }
  if (current) select.value = current.name;
}

// The flow form's target list: each chain, each service, and drop.
function renderFlowTargets(chains, services) {
  const select = $('#flow-form select[name="target"]');
  const options = [...chains.map(c => 'chain:' + c.name), ...services.map(s => 'service:' + s.name), 'drop'];
  if (select.dataset.options === options.join(',')) return;
  const chosen = select.value;
  select.replaceChildren(...options.map(o => el('option', {value: o}, o.replace(':', ' '))));
  select.dataset.options = options.join(',');
  if (options.includes(chosen)) select.value = chosen;
}

// The rules come from REST (GET /api/v1/flows), read on load, after a change, and every few events.
async function refreshFlows() {
  const res = await fetch('/api/v1/flows', {headers: headers({}), cache: 'no-store'}).catch(() => null);
  if (!res || !res.ok) return;
  const flows = await res.json();
  $('#flows tbody').replaceChildren(...flows.rules.map(r => el('tr', {'data-rule': r.id},
    el('td', {}, String(r.id)), el('td', {}, String(r.priority)), el('td', {class: 'rule'}, r.description),
    el('td', {}, el('button', {class: 'remove', onclick: () => act('DELETE', `/api/v1/flows/${r.id}`).then(refreshFlows)},
      'remove')))));
  const t = flows.table;
  $('#flow-table').textContent = `flow table: ${fmt(t.live)} of ${fmt(t.entries)} entries live · ${fmt(t.inserted)}`
    + ` inserted · ${fmt(t.aged)} aged · ${fmt(t.steered)} steered by NFs · ${fmt(t.full)} refused (full)`;
}

async function addFlow(form) {
  const body = {};
  for (const name of ['protocol', 'src', 'dst', 'src_port', 'dst_port']) {
    const v = form.elements[name].value.trim();
    if (v) body[name] = v;
  }
  const priority = form.elements.priority.value.trim();
  if (priority) body.priority = Number(priority);
  const target = form.elements.target.value;
  if (target === 'drop') body.drop = true;
  else body[target.slice(0, target.indexOf(':'))] = target.slice(target.indexOf(':') + 1);
  const res = await act('POST', '/api/v1/flows', body);
  if (res.ok) form.reset();
  await refreshFlows();
}

async function act(method, path, body) {
  const res = await fetch(path, {method, headers: headers(body ? {'Content-Type': 'application/json'} : {}),
    body: body ? JSON.stringify(body) : undefined});
  if (!res.ok) {
    const error = await res.json().catch(() => ({message: res.statusText}));
    show(`${method} ${path}: ${error.message}`);
  } else {
    show(null);
  }
  return res;
}

function show(message) {
  const m = $('#message');
  m.hidden = !message;
  m.textContent = message || '';
}

// Reads "event: stats\ndata: {...}\n\n" blocks from the stream, reconnecting after a drop.
async function stream() {
  for (;;) {
    try {
      const res = await fetch('/api/v1/events', {headers: headers({Accept: 'text/event-stream'}), cache: 'no-store'});
      if (res.status === 401) {
        $('#token-form').hidden = false;
        show((await res.json()).message);
        return;
      }
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const {value, done} = await reader.read();
        if (done) break;
        buffer += value.replace(/\r\n/g, '\n');
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split('\n').filter(l => l.startsWith('data:')).map(l => l.slice(5).trimStart()).join('\n');
          if (data) render(JSON.parse(data));
        }
      }
    } catch (err) {
      console.warn('event stream:', err);
    }
    $('#live').classList.remove('live');
    $('#updated').textContent = 'reconnecting…';
    await new Promise(r => setTimeout(r, 2000));
  }
}

$('#default-chain').addEventListener('change', e => act('PUT', '/api/v1/default-chain', {chain: e.target.value}));
$('#flow-form').addEventListener('submit', e => {
  e.preventDefault();
  addFlow(e.target);
});
$('#token-form').addEventListener('submit', e => {
  e.preventDefault();
  token = $('#token').value.trim();
  sessionStorage.setItem('jnetvm-token', token);
  $('#token-form').hidden = true;
  show(null);
  stream();
  refreshFlows();
});
stream();
refreshFlows();
