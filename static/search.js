/* Chronicle: full-text search with Pagefind, loaded only on the search page.

Every spelling of an actor finds the same pages in the same order: every page about him holds all his
spellings in the index (chronicle/spellings.py), and the query is sent with his name in place of the
spelling typed, in one Pagefind search whose count and order are shown as they are. Results are shown
PAGE at a time with their true count, their kind and date, and can be narrowed by kind. */
const PAGE = 20;
const DETAILED = 300; // results whose kind and date are read (one small file each); past this, counts by kind say so
const form = document.querySelector("[data-search]");
const input = document.getElementById("q");
const status = document.querySelector("[data-search-status]");
const list = document.querySelector("[data-search-results]");
const kinds = document.querySelector("[data-search-kinds]");
const more = document.querySelector("[data-search-more]");
const bundle = new URL(form.getAttribute("data-bundle"), location.href);
const siteRoot = new URL("../", bundle).pathname;
const baseTitle = document.title;
let pagefind = null;
let latest = 0;
let found = { query: "", sent: "", read: "", actors: [], results: [], total: 0, partial: false };
let shown = PAGE;
let kind = new URLSearchParams(location.search).get("nature") || "";

/** Text as compared, as chronicle/spellings.py folds it: no accents, no case, words only. */
function fold(text) {
  return text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim();
}

/** The words of ``text``, each with where it starts and ends and its folded form. */
function words(text) {
  return [...text.matchAll(/[\p{L}\p{N}]+/gu)].map((m) => (
    { start: m.index, end: m.index + m[0].length, folded: fold(m[0]) }));
}

const actors = JSON.parse(form.getAttribute("data-spellings")).map((actor) => (
  { url: actor.url, name: actor.spellings[0], spellings: actor.spellings,
    phrases: actor.spellings.map((s) => fold(s).split(" ")).filter((p) => p[0]) }));

/** The longest spelling of any actor that ``tokens`` begin with: { actor, length } or null. */
function spellingAt(tokens) {
  let best = null;
  for (const actor of actors) {
    for (const phrase of actor.phrases) {
      if (phrase.length <= tokens.length && (!best || phrase.length > best.length)
          && phrase.every((word, i) => tokens[i].folded === word)) {
        best = { actor, length: phrase.length };
      }
    }
  }
  return best;
}

/** Whether ``a`` and ``b`` differ by one letter added, dropped, changed or two swapped. */
function oneEditApart(a, b) {
  if (a === b || Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i += 1;
  if (a.length === b.length) {
    return a.slice(i + 1) === b.slice(i + 1) || (a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2));
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/** Whether Pagefind holds ``word`` in some page's text (its own search may fall back on a shorter word). */
async function indexed(word) {
  const first = (await pagefind.search(word)).results[0];
  if (!first) return false;
  const data = await first.data();
  const content = data.content.split(/\s+/);
  return data.locations.some((at) => fold(content[at] || "").startsWith(word));
}

/** The query Pagefind is sent for ``query``: each actor's spelling (any actor, any number) replaced by
his name, which every page about him holds in the index, so that every spelling gets the same pages in
the same order. A word the index does not hold, one letter away from a one-word spelling, is read as
that spelling ("Miley": Milley). Quoted queries (exact phrases) are sent as typed. */
async function canonical(query) {
  const named = [];
  if (query.includes('"')) return { sent: query, read: query, actors: named };
  const tokens = words(query);
  const edits = [];
  for (let i = 0; i < tokens.length;) {
    let match = spellingAt(tokens.slice(i));
    let typed = null;
    if (!match && tokens[i].folded.length >= 5) {
      const near = actors.flatMap((actor) => actor.phrases.filter((p) => p.length === 1 && oneEditApart(tokens[i].folded, p[0]))
        .map((p) => ({ actor, spelling: actor.spellings.find((s) => fold(s) === p[0]) })));
      if (near.length && new Set(near.map((n) => n.actor)).size === 1 && !(await indexed(tokens[i].folded))) {
        match = { actor: near[0].actor, length: 1 };
        typed = near[0].spelling;
      }
    }
    if (!match) { i += 1; continue; }
    edits.push({ start: tokens[i].start, end: tokens[i + match.length - 1].end, actor: match.actor, typed });
    if (!named.includes(match.actor)) named.push(match.actor);
    i += match.length;
  }
  let sent = query;
  let read = query;
  for (const edit of edits.reverse()) {
    sent = sent.slice(0, edit.start) + edit.actor.name + sent.slice(edit.end);
    if (edit.typed) read = read.slice(0, edit.start) + edit.typed + read.slice(edit.end);
  }
  return { sent, read, actors: named };
}

/** An excerpt around the first spelling of ``queried`` actors in a page's ``content``, for a page that
holds the name only in a spelling the query did not send: [text before, the spelling, text after]. */
function spellingExcerpt(content, queried) {
  const tokens = words(content);
  for (let i = 0; i < tokens.length; i += 1) {
    for (const actor of queried) {
      const phrase = actor.phrases.find((p) => p.every((word, k) => tokens[i + k]?.folded === word));
      if (phrase) {
        const from = tokens[Math.max(0, i - 10)].start;
        const end = tokens[i + phrase.length - 1].end;
        const to = tokens[Math.min(tokens.length - 1, i + phrase.length + 12)].end;
        return [`${from > 0 ? "… " : ""}${content.slice(from, tokens[i].start)}`, content.slice(tokens[i].start, end),
          `${content.slice(end, to)}${to < content.length ? " …" : ""}`];
      }
    }
  }
  return null;
}

/** French spacing again: Pagefind's excerpts come with ordinary spaces (chronicle/typography.py). */
function french(text) {
  return text.replace(/[ \u00a0]+([;:!?»])/g, "\u202f$1").replace(/«[ \u00a0]+/g, "«\u202f");
}

/** What a text cut in its middle cannot start with: the end of a quotation, a separator, punctuation. */
const CUT_START = /^[\s·»),;:.!?–—-]+/;

/** Pagefind's excerpt as safe nodes: its text, with only <mark> kept. Pagefind cuts a window of words
out of the page's ``content`` wherever it likes, as in « · Russie. Valeri… » (the middle of an actor's
« Personne · Russie » line): a window that starts or ends inside the text says so with « … », and
starts at a word, not at the punctuation left of the cut. */
function excerptNodes(html, content) {
  const template = document.createElement("template");
  template.innerHTML = html;
  const whole = content.replace(/\s+/g, " ").trim();
  const shown = template.content.textContent.replace(/\s+/g, " ").trim();
  const cut = shown && whole.startsWith(shown) ? "" : "… ";
  const out = document.createDocumentFragment();
  template.content.childNodes.forEach((node, index) => {
    const text = index === 0 ? node.textContent.replace(CUT_START, "") : node.textContent;
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = french(text);
      out.append(mark);
    } else {
      out.append(document.createTextNode(french(text)));
    }
  });
  if (shown && cut) out.prepend(cut);
  if (shown && !whole.endsWith(shown)) out.append(" …");
  return out;
}

/** A result's excerpt: Pagefind's, or, when it marks nothing (the page names the actor only in a
spelling the query did not send), the text around that spelling. */
function excerptOf(result) {
  const content = result.content || "";
  if (/<mark>/.test(result.excerpt || "") || !found.actors.length) return excerptNodes(result.excerpt || "", content);
  const parts = spellingExcerpt(content, found.actors);
  if (!parts) return excerptNodes(result.excerpt || "", content);
  const out = document.createDocumentFragment();
  const mark = document.createElement("mark");
  mark.textContent = french(parts[1]);
  out.append(french(parts[0]), mark, french(parts[2]));
  return out;
}

function resultItem(result) {
  const item = document.createElement("li");
  const type = document.createElement("p");
  type.className = "result-type";
  type.textContent = [result.meta.type, result.meta.kind, result.meta.date].filter(Boolean).join(" · ");
  const title = document.createElement("h2");
  title.className = "result-title";
  const link = document.createElement("a");
  link.href = result.url;
  link.textContent = french(result.meta.title || result.url);
  title.append(link);
  const excerpt = document.createElement("p");
  excerpt.className = "result-excerpt";
  excerpt.append(excerptOf(result));
  item.append(type, title, excerpt);
  return item;
}

/** French quotation marks, with the narrow no-break spaces the pages use (chronicle/typography.py). */
function quoted(text) {
  return `«\u202f${text}\u202f»`;
}

function plural(count, word) {
  return `${count} ${word}${count > 1 ? "s" : ""}`;
}

/** The choice of kinds, with their counts: "Tout (47)", "Événement (38)"... */
function renderKinds(results) {
  const counts = new Map();
  for (const result of results) {
    const type = result.meta.type || "Page";
    counts.set(type, (counts.get(type) || 0) + 1);
  }
  if (kind && !counts.has(kind)) kind = "";
  kinds.replaceChildren();
  kinds.hidden = counts.size < 2;
  const legend = document.createElement("legend");
  legend.textContent = found.partial ? `Nature (parmi les ${DETAILED} premiers)` : "Nature";
  kinds.append(legend);
  for (const [value, count] of [["", results.length], ...counts]) {
    const label = document.createElement("label");
    const radio = document.createElement("input");
    radio.type = "radio";
    radio.name = "nature";
    radio.value = value;
    radio.checked = value === kind;
    label.append(radio, ` ${value || "Tout"} (${count})`);
    kinds.append(label);
  }
}

function render() {
  const { query, results, total } = found;
  document.title = query ? `${quoted(query)} · ${baseTitle}` : baseTitle;
  renderKinds(results);
  const chosen = kind ? results.filter((r) => (r.meta.type || "Page") === kind) : results;
  list.replaceChildren(...chosen.slice(0, shown).map(resultItem));
  const visible = Math.min(shown, chosen.length);
  if (total === 0) {
    status.textContent = `Aucun résultat pour ${quoted(query)}${found.read !== query ? ` (lu ${quoted(found.read)})` : ""}.`;
  } else {
    const of = kind ? `${plural(chosen.length, "résultat")} de nature ${quoted(kind)} sur ${total}`
      : plural(total, "résultat");
    const read = found.read !== query ? ` (lu ${quoted(found.read)})` : "";
    status.textContent = `${of} pour ${quoted(query)}${read}${visible < chosen.length ? `, ${visible} affichés` : ""}.`;
  }
  more.hidden = visible >= chosen.length;
  more.textContent = `Afficher ${Math.min(PAGE, chosen.length - visible)} de plus (${chosen.length - visible} restants)`;
}

/** Pagefind's results for ``sent``, in its order, the first DETAILED with their page's data. */
async function results(sent) {
  const search = await pagefind.search(sent);
  const detailed = await Promise.all(search.results.slice(0, DETAILED).map((r) => r.data()));
  return { results: detailed, total: search.results.length, partial: search.results.length > DETAILED };
}

async function search(query, updateUrl) {
  const ticket = ++latest;
  if (updateUrl) {
    const url = new URL(location.href);
    if (query) url.searchParams.set("q", query); else url.searchParams.delete("q");
    url.searchParams.delete("nature");
    kind = "";
    history.replaceState(null, "", url);
  }
  if (!query) {
    found = { query: "", sent: "", read: "", actors: [], results: [], total: 0, partial: false };
    list.replaceChildren();
    status.textContent = "";
    kinds.hidden = true;
    more.hidden = true;
    document.title = baseTitle;
    return;
  }
  if (!pagefind) {
    status.textContent = "Chargement de l'index…";
    pagefind = await import(new URL("pagefind.js", bundle).href);
    await pagefind.options({ ...JSON.parse(form.getAttribute("data-pagefind-options")), baseUrl: siteRoot });
  }
  const { sent, read, actors: named } = await canonical(query);
  const outcome = await results(sent);
  if (ticket !== latest) return;
  found = { query, sent, read, actors: named, ...outcome };
  shown = PAGE;
  render();
}

form.hidden = false;
document.querySelector("[data-nojs]").hidden = true;
let timer = 0;
form.addEventListener("submit", (event) => {
  event.preventDefault();
  clearTimeout(timer); // the search typing started is this one: it must not come again and reset the list
  search(input.value.trim(), true);
});
input.addEventListener("input", () => {
  clearTimeout(timer);
  timer = setTimeout(() => search(input.value.trim(), true), 250);
});
kinds.addEventListener("change", (event) => {
  kind = event.target.value;
  shown = PAGE;
  const url = new URL(location.href);
  if (kind) url.searchParams.set("nature", kind); else url.searchParams.delete("nature");
  history.replaceState(null, "", url);
  render();
});
more.addEventListener("click", () => {
  shown += PAGE;
  render();
  list.children[shown - PAGE]?.querySelector("a")?.focus();
});
const initial = new URLSearchParams(location.search).get("q");
if (initial) {
  input.value = initial;
  search(initial, false);
}
