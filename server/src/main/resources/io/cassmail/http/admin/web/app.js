// The web admin: plain JavaScript on /api/v1, no build step. Every change sends the session's CSRF token.
"use strict";

const state = { csrf: null, kind: null, name: null, detail: null };
const $ = (id) => document.getElementById(id);

function show(message, ok) {
  const m = $("message");
  m.textContent = message || "";
  m.className = message ? (ok ? "ok" : "error") : "";
}

async function api(method, path, body) {
  const headers = { "X-CassMail-Web": "1" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && state.csrf) headers["X-CSRF-Token"] = state.csrf;
  const response = await fetch("/api/v1" + path, {
    method, headers, credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body)
  });
  if (response.status === 204) return null;
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    if (response.status === 401 && path !== "/session") signedOut();
    throw new Error(data && data.detail ? data.detail : "HTTP " + response.status);
  }
  return data;
}

function cell(row, text, cls) {
  const td = document.createElement("td");
  td.textContent = text === null || text === undefined ? "-" : String(text);
  if (cls) td.className = cls;
  row.appendChild(td);
  return td;
}

function button(row, label, cls, action) {
  const td = document.createElement("td");
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = label;
  b.className = cls;
  b.addEventListener("click", action);
  td.appendChild(b);
  row.appendChild(td);
}

async function allPages(path) {
  let items = [], cursor = null;
  do {
    const sep = path.includes("?") ? "&" : "?";
    const page = await api("GET", path + sep + "limit=1000" + (cursor ? "&cursor=" + encodeURIComponent(cursor) : ""));
    items = items.concat(page.items);
    cursor = page.next;
  } while (cursor);
  return items;
}

const pages = {
  async domains() {
    const tbody = $("domains");
    const domains = await allPages("/domains");
    tbody.replaceChildren();
    for (const d of domains) {
      const tr = document.createElement("tr");
      cell(tr, d.name);
      button(tr, "Remove", "remove-domain", () => act(() => api("DELETE", "/domains/" + encodeURIComponent(d.name)),
        "removed domain " + d.name));
      tbody.appendChild(tr);
    }
  },
  async users() {
    const tbody = $("users");
    const users = await allPages("/users?usage=true");
    tbody.replaceChildren();
    for (const info of users) {
      const tr = document.createElement("tr");
      cell(tr, info.address);
      cell(tr, info.messages, "number");
      cell(tr, info.bytes, "number");
      cell(tr, info.max_messages + " messages, " + bytes(info.max_bytes) + (info.own_limits ? " (own)" : ""));
      button(tr, "Details", "user-details", () => { state.detail = info.address; pages.users(); });
      button(tr, "Remove with mail", "remove-user", () => {
        if (confirm("Delete " + info.address + " and all of its mail?")) {
          act(() => api("DELETE", "/users/" + encodeURIComponent(info.address) + "?purge=true"), "removed " + info.address);
        }
      });
      tbody.appendChild(tr);
    }
    await userDetail();
  },
  async dkim() {
    const select = $("dkim-domain");
    const chosen = select.value;
    const domains = await allPages("/domains");
    select.replaceChildren();
    for (const d of domains) {
      const o = document.createElement("option");
      o.value = o.textContent = d.name;
      select.appendChild(o);
    }
    if (chosen && domains.some((d) => d.name === chosen)) select.value = chosen;
    const box = $("dkim-keys");
    box.replaceChildren();
    if (!select.value) return;
    const keys = (await api("GET", "/domains/" + encodeURIComponent(select.value) + "/dkim")).items;
    if (keys.length === 0) {
      const p = document.createElement("p");
      p.textContent = select.value + " has no DKIM key yet: make one, then publish its record.";
      box.appendChild(p);
    }
    for (const k of keys) {
      const h = document.createElement("h3");
      h.textContent = k.selector + (k.signing ? " (signing)" : "") + ", made " + k.created;
      const pre = document.createElement("pre");
      pre.className = "record";
      pre.textContent = k.zone_line;
      box.append(h, pre);
    }
  },
  async queue() {
    const q = await api("GET", "/queue");
    const warnings = $("queue-warnings");
    warnings.replaceChildren(...q.warnings.map((w) => { const li = document.createElement("li"); li.textContent = w; return li; }));
    const tbody = $("queues");
    tbody.replaceChildren();
    for (const row of q.items) {
      const tr = document.createElement("tr");
      cell(tr, row.queue);
      cell(tr, row.ready, "number");
      cell(tr, row.consumers, "number");
      tbody.appendChild(tr);
    }
    const parked = await allPages("/queue/parked");
    const pbody = $("parked");
    pbody.replaceChildren();
    for (const job of parked) {
      const tr = document.createElement("tr");
      cell(tr, job.message_id);
      cell(tr, job.lane);
      cell(tr, job.reason);
      button(tr, "Requeue", "requeue", () => act(() => api("POST", "/queue/parked/" + encodeURIComponent(job.message_id)
        + "/requeue"), "requeued " + job.message_id));
      pbody.appendChild(tr);
    }
  },
  async cluster() {
    const c = await api("GET", "/cluster");
    $("cluster-summary").textContent = "Cluster " + (c.cluster || "?") + ", schema agreement: "
      + (c.schema_agreement ? "yes" : "NO") + (c.replication ? "; keyspace " + c.keyspace + " replication " + c.replication : "");
    $("cluster-warnings").replaceChildren(...c.warnings.map((w) => { const li = document.createElement("li"); li.textContent = w; return li; }));
    const tbody = $("cluster-nodes");
    tbody.replaceChildren();
    for (const n of c.nodes) {
      const tr = document.createElement("tr");
      cell(tr, n.state);
      cell(tr, n.address);
      cell(tr, n.datacenter);
      cell(tr, n.rack);
      cell(tr, n.version);
      tbody.appendChild(tr);
    }
  },
  async audit() {
    const entries = (await api("GET", "/audit?limit=200")).items;
    const tbody = $("audit");
    tbody.replaceChildren();
    for (const e of entries) {
      const tr = document.createElement("tr");
      cell(tr, e.at);
      cell(tr, e.actor);
      cell(tr, e.remote);
      cell(tr, e.action + " " + e.target);
      cell(tr, e.outcome);
      tbody.appendChild(tr);
    }
  },
  async me() {
    const me = await api("GET", "/me");
    $("me-quota").textContent = state.kind === "admin" ? "Signed in as admin " + me.name + "."
      : me.address + ": " + me.messages + " of " + me.max_messages + " messages, " + bytes(me.bytes) + " of "
        + bytes(me.max_bytes) + ".";
  }
};

function bytes(n) {
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1 && n % 1024 === 0) { n /= 1024; i++; }
  return n + " " + units[i];
}

/** The users page's panel for one account: usage, aliases, limits, a new password. */
async function userDetail() {
  const panel = $("user-detail");
  if (!state.detail) { panel.hidden = true; return; }
  let u;
  try {
    u = await api("GET", "/users/" + encodeURIComponent(state.detail));
  } catch (e) {
    state.detail = null;
    panel.hidden = true;
    return;
  }
  panel.hidden = false;
  $("detail-address").textContent = u.address;
  $("detail-usage").textContent = u.messages + " of " + u.max_messages + " messages, " + bytes(u.bytes) + " of "
    + bytes(u.max_bytes) + (u.own_limits ? " (limits of its own)" : " (the configured limits)");
  const list = $("detail-aliases");
  list.replaceChildren();
  for (const alias of u.aliases) {
    const li = document.createElement("li");
    li.textContent = alias + " ";
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = "Remove";
    b.className = "remove-alias";
    b.addEventListener("click", () => act(() => api("DELETE", "/users/" + encodeURIComponent(u.address) + "/aliases/"
      + encodeURIComponent(alias)), "removed alias " + alias));
    li.appendChild(b);
    list.appendChild(li);
  }
}

async function act(change, done) {
  try {
    await change();
    show(done, true);
    await render();
  } catch (e) {
    show(e.message, false);
  }
}

async function render() {
  const wanted = (location.hash || "#").substring(1);
  const page = state.kind === null ? "login"
    : state.kind === "admin" ? (pages[wanted] ? wanted : "domains") : "me";
  for (const section of document.querySelectorAll("main > section")) section.hidden = section.id !== "page-" + page;
  for (const a of document.querySelectorAll("nav a")) a.classList.toggle("current", a.getAttribute("href") === "#" + page);
  $("nav").hidden = state.kind === null;
  for (const a of document.querySelectorAll("[data-admin]")) a.hidden = state.kind !== "admin";
  $("who").textContent = state.kind ? state.name : "";
  document.body.dataset.page = page;
  if (pages[page]) {
    try {
      await pages[page]();
    } catch (e) {
      show(e.message, false);
    }
  }
  document.body.dataset.ready = page;
}

function signedOut() {
  state.csrf = state.kind = state.name = null;
  render();
}

async function start() {
  try {
    const s = await api("GET", "/session");
    Object.assign(state, { csrf: s.csrf, kind: s.kind, name: s.name });
  } catch (e) {
    state.kind = null;
  }
  $("login-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const s = await api("POST", "/session", { name: $("login-name").value, password: $("login-password").value });
      Object.assign(state, { csrf: s.csrf, kind: s.kind, name: s.name });
      $("login-password").value = "";
      show("");
      await render();
    } catch (e) {
      show(e.message, false);
    }
  });
  $("logout").addEventListener("click", async () => {
    try { await api("DELETE", "/session"); } catch (e) { /* signed out either way */ }
    show("signed out", true);
    signedOut();
  });
  $("domain-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const name = $("domain-name").value;
    act(() => api("POST", "/domains", { name }), "added domain " + name).then(() => { $("domain-name").value = ""; });
  });
  $("user-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const address = $("user-address").value, password = $("user-password").value;
    act(() => api("POST", "/users", password ? { address, password } : { address }), "added user " + address)
      .then(() => { $("user-address").value = ""; $("user-password").value = ""; });
  });
  $("alias-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const alias = $("alias-address").value;
    act(() => api("POST", "/users/" + encodeURIComponent(state.detail) + "/aliases", { alias }),
      "added alias " + alias).then(() => { $("alias-address").value = ""; });
  });
  $("quota-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const body = {};
    if ($("quota-messages").value) body.max_messages = Number($("quota-messages").value);
    if ($("quota-bytes").value) body.max_bytes = Number($("quota-bytes").value);
    act(() => api("PUT", "/users/" + encodeURIComponent(state.detail) + "/quota", body), "limits set for " + state.detail)
      .then(() => { $("quota-messages").value = ""; $("quota-bytes").value = ""; });
  });
  $("quota-default").addEventListener("click", () => act(() => api("PUT", "/users/" + encodeURIComponent(state.detail)
    + "/quota", { default: true }), "configured limits for " + state.detail));
  $("reset-form").addEventListener("submit", (event) => {
    event.preventDefault();
    act(() => api("PUT", "/users/" + encodeURIComponent(state.detail) + "/password", { password: $("reset-password").value }),
      "password set for " + state.detail).then(() => { $("reset-password").value = ""; });
  });
  $("dkim-domain").addEventListener("change", () => render());
  $("dkim-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const domain = $("dkim-domain").value;
    act(() => api("POST", "/domains/" + encodeURIComponent(domain) + "/dkim", {}), "made a DKIM key for " + domain
      + "; publish its record");
  });
  $("requeue-all").addEventListener("click", () => act(() => api("POST", "/queue/parked/requeue-all"), "requeued every parked job"));
  $("me-form").addEventListener("submit", (event) => {
    event.preventDefault();
    act(() => api("PUT", "/me/password", { current_password: $("me-current").value, password: $("me-new").value }),
      "password changed").then(() => { $("me-current").value = ""; $("me-new").value = ""; });
  });
  window.addEventListener("hashchange", () => { show(""); render(); });
  render();
}

start();
