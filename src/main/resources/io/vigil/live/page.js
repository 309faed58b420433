// Vigil's live status page: renders the daemon's view (GET /events, server-sent events) and nothing else.
// Read-only, no dependency, no request other than to this origin.
"use strict";

const state = { view: null, heardAt: {} }; // heardAt: node -> this browser's clock when last heard

const STATUS_CLASS = { active: "ok", up: "ok", ping: "ok", running: "ok", dead: "bad", failed: "bad",
  "stop-failed": "bad", init: "", stopped: "", starting: "warn", stopping: "warn", transition: "warn" };
const EVENT_CLASS = { "node-dead": "bad", "link-dead": "bad", "group-failed": "bad", "group-stop-failed": "bad",
  "split-brain-detected": "bad", "fence-failed": "bad", "node-up": "ok", "node-returned": "ok", "link-up": "ok",
  "group-running": "ok", "split-brain-healed": "ok", "fence-done": "ok", "group-starting": "warn",
  "group-stopping": "warn", "fence-requested": "warn", "group-stopped": "" };

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v; else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

function badge(text, cls) {
  return el("span", { class: "badge " + (cls === undefined ? (STATUS_CLASS[text] || "") : cls) }, text);
}

function clock(ms) {
  const d = new Date(ms);
  const p = (n) => String(n).padStart(2, "0");
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

function ago(ms) {
  if (ms < 0) return "never";
  if (ms < 10000) return `${Math.round(ms)} ms ago`;
  const s = Math.round(ms / 1000);
  return s < 120 ? `${s} s ago` : `${Math.round(s / 60)} min ago`;
}

function duration(ms) {
  const s = Math.floor(ms / 1000), d = Math.floor(s / 86400), h = Math.floor(s / 3600) % 24, m = Math.floor(s / 60) % 60;
  return d ? `${d}d ${h}h` : h ? `${h}h ${m}m` : m ? `${m}m ${s % 60}s` : `${s}s`;
}

function render() {
  const v = state.view;
  if (!v || !v.status) {
    document.getElementById("summary").textContent = (v && v.message) || "Waiting for the daemon…";
    return;
  }
  const st = v.status;
  document.title = `Vigil — ${st.node}`;
  document.getElementById("node").textContent = st.node;
  const ls = document.getElementById("local-status");
  ls.textContent = st.status;
  ls.className = "badge " + (STATUS_CLASS[st.status] || "");
  document.getElementById("summary").textContent =
    `holding ${st.rscstatus} resources · auto_failback ${st.auto_failback} · vigil ${st.version}, pid ${st.pid},` +
    ` up ${duration(st.uptime_ms)}`;
  renderGroups(st);
  renderNodes(st);
  renderKeepalive(v);
  renderTimeline(v);
}

function renderGroups(st) {
  const body = document.querySelector("#groups tbody");
  body.replaceChildren(...st.groups.map((g) => {
    const held = g.held_by || "—";
    const tr = el("tr", { "data-group": g.key, "data-held-by": g.held_by, "data-state": g.state },
      el("td", { "data-label": "Group" }, el("strong", {}, g.key)),
      el("td", { "data-label": "Held by", class: g.held_by ? "held" : "" }, held),
      el("td", { "data-label": "State here" }, badge(g.state)),
      el("td", { "data-label": "Preferred" }, g.preferred_node),
      el("td", { "data-label": "Resources" }, el("code", {}, g.resources)));
    return tr;
  }));
  if (st.groups.length === 0) {
    body.replaceChildren(el("tr", {}, el("td", { colspan: "5" }, "No resource groups (haresources is empty).")));
  }
}

function renderNodes(st) {
  const box = document.getElementById("nodes");
  box.replaceChildren(...st.nodes.map((n) => {
    const self = n.name === st.node;
    if (!self) state.heardAt[n.name] = n.last_heard_ms_ago < 0 ? null : Date.now() - n.last_heard_ms_ago;
    const heard = el("p", self ? { class: "muted" } : { class: "muted", "data-heard": n.name },
      self ? "this node" : ago(n.last_heard_ms_ago));
    const links = el("div", { class: "links" }, ...n.links.map((l) =>
      el("span", { "data-link": l.name }, badge(`${l.name} ${l.status}`, l.status === "up" ? "ok" : "bad"))));
    return el("div", { class: "card", "data-node": n.name, "data-status": n.status },
      el("h3", {}, n.name, badge(n.status), n.type === "ping" ? el("span", { class: "muted" }, "ping node") : ""),
      heard, links);
  }));
}

function renderKeepalive(v) {
  const box = document.getElementById("keepalive");
  const peers = Object.keys(v.keepalive || {});
  if (peers.length === 0) {
    box.replaceChildren(el("p", { class: "muted" }, "No status packet from a peer yet."));
    return;
  }
  box.replaceChildren(...peers.map((node) => {
    const card = el("div", { class: "card", "data-keepalive": node });
    drawChart(card, node, v.keepalive[node], v.timing || {});
    return card;
  }));
}

function drawChart(card, node, samples, timing) {
  const ns = "http://www.w3.org/2000/svg";
  const w = 240, h = 60;
  const values = samples.map((s) => s[1]);
  const last = values.length ? values[values.length - 1] : 0;
  const max = Math.max(...values, timing.warntime_ms || 0, 1) * 1.1;
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("class", "chart");
  svg.setAttribute("viewBox", `0 0 ${w} ${h}`);
  svg.setAttribute("preserveAspectRatio", "none");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", `keepalive inter-arrival of ${node}`);
  const y = (ms) => (h - (ms / max) * h).toFixed(1);
  for (const [cls, ms] of [["keepalive", timing.keepalive_ms], ["warntime", timing.warntime_ms]]) {
    if (!ms) continue;
    const line = document.createElementNS(ns, "line");
    line.setAttribute("class", cls);
    line.setAttribute("x1", "0"); line.setAttribute("x2", String(w));
    line.setAttribute("y1", y(ms)); line.setAttribute("y2", y(ms));
    svg.append(line);
  }
  const poly = document.createElementNS(ns, "polyline");
  poly.setAttribute("class", "samples");
  const step = w / Math.max(1, 119);
  const offset = w - step * (values.length - 1);
  poly.setAttribute("points", values.map((ms, i) => `${(offset + i * step).toFixed(1)},${y(ms)}`).join(" "));
  svg.append(poly);
  const worst = values.length ? Math.max(...values) : 0;
  card.replaceChildren(el("h3", {}, node), svg,
    el("p", { class: "muted" }, `last ${last} ms · max ${worst} ms over ${values.length} · keepalive ` +
      `${timing.keepalive_ms || "?"} ms · warntime ${timing.warntime_ms || "?"} ms`));
}

function renderTimeline(v) {
  const list = document.getElementById("timeline");
  const events = (v.events || []).slice().reverse();
  list.replaceChildren(...events.map((e) => {
    const subject = e.group ? `${e.group}${e.event.startsWith("split") ? " (other: " + e.node + ")" : ""}` :
      e.link ? `${e.node}:${e.link}` : e.node;
    return el("li", { "data-event": e.event, "data-seq": String(e.seq) },
      el("time", {}, clock(e.time_ms)), badge(e.event, EVENT_CLASS[e.event] || ""), el("span", {}, subject),
      e.detail ? el("span", { class: "muted" }, e.detail) : "");
  }));
  if (events.length === 0) list.replaceChildren(el("li", { class: "muted" }, "No transition since the daemon started."));
  const tr = document.getElementById("transitions");
  tr.replaceChildren(...v.status.transitions.slice().reverse().map((t) =>
    el("li", {}, el("time", {}, clock(t.time_ms)), el("span", {}, t.text))));
}

function connection(s, text) {
  const c = document.getElementById("connection");
  c.dataset.state = s;
  c.textContent = text;
}

function tickAges() {
  for (const p of document.querySelectorAll("[data-heard]")) {
    const at = state.heardAt[p.dataset.heard];
    p.textContent = at == null ? "never" : ago(Date.now() - at);
  }
}

function start() {
  const source = new EventSource("events");
  source.addEventListener("open", () => connection("live", "live: updates are pushed as they happen"));
  source.addEventListener("error", () => connection("lost", "connection lost: reconnecting…"));
  source.addEventListener("view", (m) => {
    state.view = JSON.parse(m.data);
    connection("live", "live: updates are pushed as they happen");
    render();
  });
  source.addEventListener("beat", (m) => {
    const b = JSON.parse(m.data);
    const v = state.view;
    if (!v) return;
    const samples = (v.keepalive[b.node] = v.keepalive[b.node] || []);
    samples.push([b.time_ms, b.ms]);
    if (samples.length > 120) samples.shift();
    const card = document.querySelector(`[data-keepalive="${CSS.escape(b.node)}"]`);
    if (card) drawChart(card, b.node, samples, v.timing || {}); else renderKeepalive(v);
    state.heardAt[b.node] = Date.now();
  });
  setInterval(tickAges, 1000);
}

document.addEventListener("DOMContentLoaded", start);
