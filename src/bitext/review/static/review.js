// bitext review: the page of `bitext review` (issue 19). Plain ES2020, no framework, no
// network but the page's own server. Every text of a document is inserted with textContent,
// never as HTML: a release may contain markup, and it must show as the text it is.
"use strict";

const DOUBT_BELOW = 0.96; // bitext.model.EXPORT_MIN_SCORE: an auto bead below it is held back
const FIRST_CHUNK = 120; // beads drawn before the page first paints; the rest follow in chunks
const CHUNK = 400;
const CSRF = document.querySelector('meta[name="bitext-csrf"]').content;

const $ = (id) => document.getElementById(id);
const S = {
  docs: [],
  listFocus: 0,
  doc: null,
  keys: [],
  rows: [],
  focus: 0,
  side: "tgt",
  editing: null,
  drawToken: 0,
};
// Keys and actions run one after another, each on the document the previous one left:
// a key pressed while an action is on its way waits for it instead of acting on stale beads.
let queue = Promise.resolve();
const enqueue = (fn) => {
  queue = queue.then(fn).catch((err) => banner(String(err && err.message ? err.message : err), "error"));
  return queue;
};

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

async function api(path, body) {
  const init = { credentials: "same-origin", headers: { Accept: "application/json" } };
  if (body !== undefined) {
    init.method = "POST";
    init.headers["Content-Type"] = "application/json";
    init.headers["X-Bitext-CSRF"] = CSRF;
    init.body = JSON.stringify(body);
  }
  const resp = await fetch(path, init);
  let data = null;
  try {
    data = await resp.json();
  } catch (_) {
    data = null;
  }
  return { status: resp.status, data };
}

function banner(text, kind) {
  $("banner-text").textContent = text;
  $("banner").className = kind;
  $("banner").hidden = false;
}

function hideBanner() {
  $("banner").hidden = true;
}

// -- the document list --------------------------------------------------------------------

async function showList() {
  S.doc = null;
  S.drawToken += 1;
  $("doc-view").hidden = true;
  $("filter-label").hidden = true;
  $("list-view").hidden = false;
  $("doc-title").textContent = "";
  $("progress").textContent = "";
  history.replaceState(null, "", location.pathname);
  const { status, data } = await api("/api/documents");
  if (status !== 200) return banner((data && data.error) || `cannot list the documents (HTTP ${status})`, "error");
  S.docs = data.documents;
  const body = document.querySelector("#doc-list tbody");
  body.replaceChildren(...S.docs.map(listRow));
  S.listFocus = Math.min(S.listFocus, Math.max(S.docs.length - 1, 0));
  markListFocus();
}

function listRow(d, k) {
  const tr = el("tr", d.reviewable ? "doc" : "doc unreviewable");
  tr.dataset.id = d.id;
  const name = el("td", "path");
  name.append(el("span", "", d.path));
  if (!d.reviewable) name.append(el("small", "doubt", "kept no alignment: align it again to review it"));
  const p = d.progress || {};
  tr.append(name, el("td", "kind", d.kind));
  for (const key of ["to_review", "approved", "rejected"]) tr.append(el("td", `num ${key}`, p[key] ?? "—"));
  tr.addEventListener("click", () => {
    S.listFocus = k;
    enqueue(() => openDoc(d.id, 0));
  });
  return tr;
}

function markListFocus() {
  document.querySelectorAll("#doc-list tr.doc").forEach((tr, k) => tr.classList.toggle("focused", k === S.listFocus));
}

function listKey(key) {
  if (key === "j" || key === "ArrowDown") S.listFocus = Math.min(S.listFocus + 1, S.docs.length - 1);
  else if (key === "k" || key === "ArrowUp") S.listFocus = Math.max(S.listFocus - 1, 0);
  else if (key === "Enter" && S.docs[S.listFocus]) return openDoc(S.docs[S.listFocus].id, 0);
  else return false;
  markListFocus();
  return true;
}

// -- one document ---------------------------------------------------------------------------

async function openDoc(id, focus) {
  const { status, data } = await api(`/api/documents/${encodeURIComponent(id)}`);
  if (status !== 200) return banner((data && data.error) || `cannot open document ${id} (HTTP ${status})`, "error");
  $("list-view").hidden = true;
  $("doc-view").hidden = false;
  $("filter-label").hidden = false;
  const same = S.doc && S.doc.id === data.id;
  show(data, focus, !same);
}

const doubtful = (b) => b.status === "auto" && (b.score === null || b.score < DOUBT_BELOW);
const sentenceKey = (s) => [s.text, s.original, s.flags];

// What a bead row shows: a row whose key did not change is kept as it is.
function beadKey(doc, b, k) {
  const prev = k > 0 ? firstParagraph(doc, doc.beads[k - 1]) : null;
  const para = firstParagraph(doc, b) !== prev;
  return JSON.stringify([b.status, b.score, b.doubt, para, b.src.map((i) => sentenceKey(doc.src[i])), b.tgt.map((j) => sentenceKey(doc.tgt[j]))]);
}

function firstParagraph(doc, b) {
  const s = b.src.length ? doc.src[b.src[0]] : doc.tgt[b.tgt[0]];
  return s ? s.paragraph : null;
}

function show(doc, focus, fresh) {
  const keys = doc.beads.map((b, k) => beadKey(doc, b, k));
  const box = $("beads");
  if (fresh) {
    S.drawToken += 1;
    box.replaceChildren();
    S.rows = [];
    S.doc = doc;
    S.keys = keys;
    drawFrom(0, S.drawToken);
  } else {
    finishDrawing();
    patch(doc, keys);
  }
  S.focus = Math.max(0, Math.min(focus ?? S.focus, doc.beads.length - 1));
  header();
  setFocus(S.focus);
}

// Draws the rows from `start` on: the first chunk at once, the rest a chunk per frame, so a
// 2,000-bead document shows its first beads before the last ones are built.
function drawFrom(start, token) {
  const end = Math.min(S.doc.beads.length, start + (start === 0 ? FIRST_CHUNK : CHUNK));
  const frag = document.createDocumentFragment();
  for (let k = start; k < end; k++) {
    const row = beadRow(S.doc, k);
    S.rows.push(row);
    frag.append(row);
  }
  $("beads").append(frag);
  if (start === 0) {
    // When the first beads are on screen (the frame after they are added): what
    // benchmarks/review_page.py reports, read from the page's own clock.
    performance.mark("bitext-first-beads");
    requestAnimationFrame(() => performance.mark("bitext-first-beads-painted"));
  }
  if (end < S.doc.beads.length) requestAnimationFrame(() => token === S.drawToken && drawFrom(end, token));
  else {
    performance.mark("bitext-all-beads");
    document.body.dataset.drawn = String(S.doc.version);
  }
}

function finishDrawing() {
  S.drawToken += 1;
  if (S.rows.length < S.doc.beads.length) {
    const frag = document.createDocumentFragment();
    for (let k = S.rows.length; k < S.doc.beads.length; k++) {
      S.rows.push(beadRow(S.doc, k));
      frag.append(S.rows[k]);
    }
    $("beads").append(frag);
  }
  document.body.dataset.drawn = String(S.doc.version);
}

// An action changes one run of beads (or the beads holding an edited sentence): rebuild the
// rows between the unchanged head and tail, renumber the tail.
function patch(doc, keys) {
  const old = S.keys;
  let head = 0;
  while (head < old.length && head < keys.length && old[head] === keys[head]) head++;
  let tail = 0;
  while (tail < old.length - head && tail < keys.length - head && old[old.length - 1 - tail] === keys[keys.length - 1 - tail]) tail++;
  S.doc = doc;
  S.keys = keys;
  const removed = S.rows.splice(head, old.length - head - tail);
  const added = [];
  for (let k = head; k < keys.length - tail; k++) added.push(beadRow(doc, k));
  const before = S.rows[head] || null;
  removed.forEach((row) => row.remove());
  const frag = document.createDocumentFragment();
  frag.append(...added);
  $("beads").insertBefore(frag, before);
  S.rows.splice(head, 0, ...added);
  for (let k = head + added.length; k < S.rows.length; k++) number(S.rows[k], k);
  document.body.dataset.drawn = String(doc.version);
}

function number(row, k) {
  row.dataset.pos = String(k);
  row.firstChild.textContent = String(k + 1);
}

function beadRow(doc, k) {
  const b = doc.beads[k];
  const row = el("div", "bead");
  row.setAttribute("role", "listitem");
  row.classList.add(`status-${b.status}`);
  if (doubtful(b)) row.classList.add("doubtful");
  if (!b.src.length || !b.tgt.length) row.classList.add("lone");
  if (k > 0 && firstParagraph(doc, b) !== firstParagraph(doc, doc.beads[k - 1])) row.classList.add("para-start");
  row.append(el("div", "n", k + 1));
  row.append(sideCell(doc, "src", b.src), sideCell(doc, "tgt", b.tgt));
  const meta = el("div", "meta");
  const score = el("span", "score", b.score === null ? "unscored" : b.score.toFixed(2));
  if (b.score !== null && b.score < DOUBT_BELOW) score.classList.add("low");
  meta.append(score, el("span", "kind", `${b.src.length}-${b.tgt.length}`), el("span", `status ${b.status}`, b.status));
  if (b.doubt) meta.append(el("small", "doubt", b.doubt));
  row.append(meta);
  row.dataset.pos = String(k);
  row.addEventListener("click", (ev) => {
    const cell = ev.target.closest(".side");
    enqueue(() => {
      if (cell) S.side = cell.dataset.side;
      setFocus(Number(row.dataset.pos));
    });
  });
  row.addEventListener("dblclick", (ev) => {
    const s = ev.target.closest(".s");
    if (s) enqueue(() => startEdit(Number(row.dataset.pos), s.dataset.side, Number(s.dataset.index)));
  });
  return row;
}

function sideCell(doc, side, indices) {
  const cell = el("div", `side ${side}`);
  cell.dataset.side = side;
  cell.lang = (side === "src" ? doc.src_lang : doc.tgt_lang) || "";
  if (!indices.length) {
    cell.classList.add("empty");
    cell.append(el("span", "none", "no counterpart"));
  }
  for (const i of indices) {
    const s = doc[side][i];
    const div = el("div", "s");
    div.dataset.side = side;
    div.dataset.index = String(i);
    div.append(el("span", "t", s.text));
    for (const flag of s.flags || []) div.append(el("span", `flag ${flag}`, flag));
    if (s.original !== null && s.original !== undefined) div.append(el("small", "original", `was: ${s.original}`));
    cell.append(div);
  }
  return cell;
}

function header() {
  const doc = S.doc;
  $("doc-title").textContent = doc.path;
  const p = doc.progress;
  $("progress").replaceChildren(
    el("span", "to_review", `${p.to_review} to review`),
    el("span", "approved", `${p.approved} approved`),
    el("span", "rejected", `${p.rejected} rejected`),
  );
  $("undo").disabled = !doc.can_undo;
  $("redo").disabled = !doc.can_redo;
  $("side-button").textContent = `Side: ${S.side === "src" ? doc.src_lang : doc.tgt_lang}`;
  document.body.dataset.version = String(doc.version);
}

function setFocus(k) {
  if (!S.doc || !S.doc.beads.length) return;
  S.focus = Math.max(0, Math.min(k, S.doc.beads.length - 1));
  if (S.focus >= S.rows.length) finishDrawing();
  document.querySelectorAll(".bead.focused").forEach((row) => row.classList.remove("focused"));
  document.querySelectorAll(".side.side-focus").forEach((c) => c.classList.remove("side-focus"));
  const row = S.rows[S.focus];
  row.classList.add("focused");
  row.querySelector(`.side.${S.side}`).classList.add("side-focus");
  row.scrollIntoView({ block: "nearest" });
  $("side-button").textContent = `Side: ${S.side === "src" ? S.doc.src_lang : S.doc.tgt_lang}`;
  history.replaceState(null, "", `#doc=${S.doc.id}&bead=${S.focus}`);
}

function step(delta, onlyDoubtful) {
  const beads = S.doc.beads;
  const filtered = onlyDoubtful || $("filter").checked;
  for (let k = S.focus + delta; k >= 0 && k < beads.length; k += delta) {
    if (!filtered || doubtful(beads[k])) return setFocus(k);
  }
  if (onlyDoubtful) {
    // Wrap around: the next doubtful bead may be above.
    const k = beads.findIndex(doubtful);
    if (k >= 0) return setFocus(k);
    banner("no bead left to review", "info");
  }
}

// "Needs review": only the auto beads below the export threshold or unscored stay visible.
function filterChanged() {
  $("beads").classList.toggle("filtered", $("filter").checked);
  if ($("filter").checked && S.doc && !doubtful(S.doc.beads[S.focus])) step(1, true);
}

// -- actions --------------------------------------------------------------------------------

async function act(action, focusAfter) {
  const doc = S.doc;
  const { status, data } = await api(`/api/documents/${encodeURIComponent(doc.id)}/actions`, { action, version: doc.version });
  if (status === 200) {
    hideBanner();
    show(data, focusAfter === undefined ? S.focus : focusAfter, false);
  } else if (status === 409) {
    await openDoc(doc.id, S.focus);
    banner("Changed in another tab — reloaded: nothing was overwritten. Check the beads and act again.", "conflict");
  } else {
    banner((data && data.error) || `the server refused the action (HTTP ${status})`, "error");
  }
}

// The action a key asks of the focused bead and side, or null when it does not fit (said why).
function keyAction(key) {
  const k = S.focus;
  const b = S.doc.beads[k];
  const side = S.side;
  const mine = b[side];
  switch (key) {
    case "m":
      return [{ name: "merge", bead: k }];
    case "s":
      // Prompt-free rule: the first sentence of each side stays, the rest goes to a new bead.
      return [{ name: "split", bead: k, src_at: Math.min(1, b.src.length), tgt_at: Math.min(1, b.tgt.length) }];
    case "[":
      return [{ name: "move", bead: k, side, to: "previous" }];
    case "]":
      return [{ name: "move", bead: k, side, to: "next" }];
    case "u":
      if (!mine.length) return null;
      return [{ name: "unpair", bead: k, side, index: mine[mine.length - 1] }];
    case "p":
      return [{ name: "pair", bead: k }];
    case "a":
      return [{ name: "approve", bead: k }, k + 1];
    case "r":
      return [{ name: "reject", bead: k }, k + 1];
    case "z":
      return [{ name: "undo" }];
    case "y":
      return [{ name: "redo" }];
    default:
      return undefined;
  }
}

function docKey(key) {
  if (key === "j" || key === "ArrowDown") step(1, false);
  else if (key === "k" || key === "ArrowUp") step(-1, false);
  else if (key === "n") step(1, true);
  else if (key === "Tab") S.side = S.side === "src" ? "tgt" : "src";
  else if (key === "ArrowLeft") S.side = "src";
  else if (key === "ArrowRight") S.side = "tgt";
  else if (key === "e") startEdit(S.focus, S.side, null);
  else if (key === "f") {
    $("filter").checked = !$("filter").checked;
    filterChanged();
  }
  else if (key === "Escape") return showList();
  else {
    const planned = keyAction(key);
    if (planned === undefined) return false;
    if (planned === null) return banner(`the focused bead has no ${S.side} sentence`, "error");
    return act(planned[0], planned[1]);
  }
  if (["Tab", "ArrowLeft", "ArrowRight"].includes(key)) setFocus(S.focus);
  return true;
}

function startEdit(k, side, index) {
  setFocus(k);
  const b = S.doc.beads[S.focus];
  if (index === null) {
    const ids = b[side].length ? b[side] : b[side === "src" ? "tgt" : "src"];
    side = b[side].length ? side : side === "src" ? "tgt" : "src";
    index = ids[0];
  }
  const div = S.rows[S.focus].querySelector(`.s[data-side="${side}"][data-index="${index}"]`);
  if (!div) return;
  const text = div.querySelector(".t");
  const area = el("textarea", "edit");
  area.value = S.doc[side][index].text;
  area.setAttribute("aria-label", `correct ${side} sentence ${index + 1}`);
  text.hidden = true;
  div.insertBefore(area, text);
  S.editing = area;
  area.focus();
  const close = () => {
    S.editing = null;
    area.remove();
    text.hidden = false;
  };
  area.addEventListener("keydown", (ev) => {
    ev.stopPropagation(); // the page's keys do not act while a sentence is edited
    if (ev.key === "Escape") {
      ev.preventDefault();
      close();
    } else if (ev.key === "Enter" && !ev.shiftKey) {
      ev.preventDefault();
      const value = area.value;
      close();
      enqueue(() => act({ name: "edit", side, index, text: value }));
    }
  });
}

// -- keys and buttons -----------------------------------------------------------------------

function onKey(ev) {
  if (S.editing || ev.altKey || ev.metaKey) return;
  const target = ev.target;
  if (target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA") && ev.key !== "Escape") return;
  let key = ev.key;
  if (ev.ctrlKey) {
    const lower = key.toLowerCase();
    if (lower === "z" && !ev.shiftKey) key = "z";
    else if (lower === "y" || (lower === "z" && ev.shiftKey)) key = "y";
    else return;
  }
  const handled = ["j", "k", "n", "f", "m", "s", "[", "]", "u", "p", "a", "r", "e", "z", "y", "Tab", "Enter", "Escape", "ArrowDown", "ArrowUp", "ArrowLeft", "ArrowRight"];
  if (!handled.includes(key)) return;
  ev.preventDefault();
  press(key);
}

function press(key) {
  enqueue(() => (S.doc ? docKey(key) : listKey(key)));
}

function start() {
  document.addEventListener("keydown", onKey);
  document.querySelectorAll("#toolbar button[data-key]").forEach((button) => {
    button.addEventListener("click", () => {
      button.blur(); // the keys go on working on the page, not on the button
      press(button.dataset.key);
    });
  });
  $("home").addEventListener("click", () => enqueue(showList));
  $("banner-close").addEventListener("click", hideBanner);
  $("filter").addEventListener("change", () => {
    $("filter").blur();
    enqueue(filterChanged);
  });
  const hash = new URLSearchParams(location.hash.slice(1));
  if (hash.has("doc")) enqueue(() => openDoc(hash.get("doc"), Number(hash.get("bead") || 0)));
  else enqueue(showList);
}

start();
