'use strict';
// The sample's page: polls api/dashboard twice a second and api/categories (SQL) every two
// seconds, and renders them; the forms post to api/orders, api/rush and api/restock. Plain DOM,
// no framework.

const REFRESH_MILLIS = 500;
const CATEGORY_MILLIS = 2000;
const $ = (id) => document.getElementById(id);
let knownItems = '';
const lastQuantity = new Map();

function cell(row, text, className) {
  const td = row.insertCell();
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function money(cents) {
  return (cents / 100).toFixed(2);
}

function fillItems(stock) {
  const keys = stock.map((s) => s.item).join(',');
  if (keys === knownItems) return;
  knownItems = keys;
  for (const id of ['order-item', 'rush-item']) {
    const select = $(id);
    const chosen = select.value;
    select.replaceChildren(...stock.map((s) => new Option(s.item + ' — ' + s.description, s.item)));
    if (chosen) select.value = chosen;
  }
}

function renderStock(stock) {
  const body = $('stock').tBodies[0];
  body.replaceChildren();
  for (const s of stock) {
    const row = body.insertRow();
    row.dataset.item = s.item;
    if (s.quantity < 10) row.className = 'low';
    cell(row, s.item);
    cell(row, s.category);
    cell(row, s.description);
    const q = cell(row, s.quantity, 'num quantity');
    if (lastQuantity.has(s.item) && lastQuantity.get(s.item) !== s.quantity) q.classList.add('flash');
    lastQuantity.set(s.item, s.quantity);
    cell(row, s.ordered, 'num');
    cell(row, money(s.priceCents), 'num');
  }
  fillItems(stock);
}

function renderLocks(locks) {
  const body = $('locks').tBodies[0];
  body.replaceChildren();
  if (locks.length === 0) {
    cell(body.insertRow(), 'no locks', 'muted').colSpan = 4;
    return;
  }
  for (const l of locks) {
    const row = body.insertRow();
    if (l.waiting.length + l.converting.length > 0) row.className = 'waiting';
    cell(row, l.resource).className = 'resource';
    cell(row, l.granted.join('\n')).className = 'granted';
    cell(row, l.converting.join('\n')).className = 'converting';
    cell(row, l.waiting.join('\n')).className = 'waiters';
    for (const td of row.cells) td.style.whiteSpace = 'pre';
  }
}

function renderTransactions(tx) {
  for (const [name, value] of Object.entries(tx)) {
    const td = $('tx-' + name);
    if (td) td.textContent = value;
  }
}

function renderRates(rates, trees, counters) {
  const body = $('rates').tBodies[0];
  body.replaceChildren();
  const bars = $('rate-bars');
  bars.replaceChildren();
  const max = Math.max(1, ...rates.map((r) => r.lastSecond));
  for (const r of rates) {
    const row = body.insertRow();
    cell(row, r.counter);
    cell(row, r.lastSecond, 'num');
    cell(row, r.perSecond.toFixed(1), 'num');
    cell(row, r.activity.toFixed(1), 'num');
    const line = document.createElement('div');
    line.className = 'bar-row';
    const label = document.createElement('span');
    label.textContent = r.counter;
    const bar = document.createElement('div');
    bar.className = 'bar';
    bar.style.width = (100 * r.lastSecond / max) + '%';
    line.append(label, bar);
    bars.append(line);
  }
  const treeBody = $('trees').tBodies[0];
  treeBody.replaceChildren();
  for (const t of trees) {
    const row = treeBody.insertRow();
    cell(row, t.root);
    cell(row, t.perSecond.toFixed(1), 'num');
  }
  $('lock-totals').textContent = `${counters.requests} requests, ${counters.waits} waits, ${counters.deadlocks}`
      + ` deadlocks, ${counters.timeouts} timeouts since start; ${counters.resources} resources and`
      + ` ${counters.locks} locks now.`;
}

function renderOrders(orders) {
  const body = $('orders').tBodies[0];
  body.replaceChildren();
  for (const o of orders) {
    const row = body.insertRow();
    cell(row, o.id, 'num');
    cell(row, new Date(o.placedAt).toLocaleTimeString());
    cell(row, o.mode);
    cell(row, o.lines.map((l) => `${l.quantity} × ${l.item}`).join(', '));
    cell(row, money(o.totalCents), 'num');
  }
}

async function refresh() {
  try {
    const response = await fetch('api/dashboard', { cache: 'no-store' });
    if (!response.ok) throw new Error('HTTP ' + response.status);
    const d = await response.json();
    renderStock(d.stock);
    renderLocks(d.locks);
    renderTransactions(d.transactions);
    renderRates(d.rates, d.hottestTrees, d.lockCounters);
    renderOrders(d.orders);
    $('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
  } catch (e) {
    $('updated').textContent = 'cannot reach the server: ' + e.message;
  } finally {
    setTimeout(refresh, REFRESH_MILLIS);
  }
}

function renderCategories(totals) {
  const body = $('categories').tBodies[0];
  body.replaceChildren();
  for (const t of totals) {
    const row = body.insertRow();
    row.dataset.category = t.category;
    cell(row, t.category);
    cell(row, t.items, 'num');
    cell(row, t.units, 'num units');
    cell(row, money(t.valueCents), 'num');
  }
  $('category-names').replaceChildren(...totals.map((t) => new Option(t.category)));
}

let categoryTimer;

async function refreshCategories() {
  clearTimeout(categoryTimer);
  try {
    const response = await fetch('api/categories', { cache: 'no-store' });
    if (response.ok) renderCategories(await response.json());
  } finally {
    categoryTimer = setTimeout(refreshCategories, CATEGORY_MILLIS);
  }
}

async function submit(form, path, button, result, describe) {
  button.disabled = true;
  result.className = 'result';
  result.textContent = 'working…';
  try {
    const response = await fetch(path, { method: 'POST', body: new URLSearchParams(new FormData(form)) });
    const body = await response.json();
    if (response.ok) {
      result.className = 'result ok';
      result.textContent = describe(body);
    } else {
      result.className = response.status === 409 ? 'result refused' : 'result error';
      result.textContent = (response.status === 409 ? 'Refused: ' : 'Error: ') + body.error;
    }
  } catch (e) {
    result.className = 'result error';
    result.textContent = 'Error: ' + e.message;
  } finally {
    button.disabled = false;
  }
}

$('order-form').addEventListener('submit', (event) => {
  event.preventDefault();
  submit(event.target, 'api/orders', $('place-order'), $('order-result'), (p) =>
    `Order #${p.order.id} placed (${p.order.mode}): ${p.order.lines.map((l) => l.quantity + ' × ' + l.item).join(', ')},`
    + ` total ${money(p.order.totalCents)}` + (p.restarts ? `, after ${p.restarts} restart(s)` : ''));
});

$('rush-form').addEventListener('submit', (event) => {
  event.preventDefault();
  submit(event.target, 'api/rush', $('start-rush'), $('rush-result'), (r) =>
    `Rush on ${r.item} (${r.mode}): ${r.succeeded} of ${r.orders} orders placed, ${r.rejected} refused for`
    + ` stock, ${r.failed} failed; ${r.restarts} optimistic restarts, ${r.lockWaits} lock waits,`
    + ` ${r.deadlocks} deadlocks; stock ${r.stockBefore} → ${r.stockAfter} in ${r.millis} ms.`);
});

$('restock-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const units = $('restock-units').value;
  await submit(event.target, 'api/restock', $('restock'), $('restock-result'), (r) =>
    `Restocked ${r.changed} item(s) of ${$('restock-category').value} by ${units} unit(s) each.`);
  refreshCategories();
});

refresh();
refreshCategories();
