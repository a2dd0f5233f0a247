/* Chronicle: full-text search with Pagefind, loaded only on the search page.

Every spelling of an actor finds the same pages in the same order: a query that contains one of
an actor's spellings (compared without case or accents) is searched in each of them, the results
are merged, and the actor's own page comes first. Results are shown PAGE at a time with their
true count, their kind and date, and can be narrowed by kind. */
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
let found = { query: "", results: [], partial: false };
let shown = PAGE;
let kind = new URLSearchParams(location.search).get("nature") || "";

/** A spelling as compared: lower case, no accents, one apostrophe, single spaces. */
function fold(text) {
  return text.replace(/’/g, "'").normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase()
    .replace(/[^\p{L}\p{N}']+/gu, " ").trim();
}

const actors = JSON.parse(form.getAttribute("data-spellings")).map((actor) => (
  { url: actor.url, spellings: actor.spellings, folded: actor.spellings.map(fold) }));

/** The queries standing for ``query``: itself, or, when it names an actor in any spelling (the
longest spelling found wins), the query with that name written in each of the actor's spellings. */
function expand(query) {
  const padded = ` ${fold(query)} `;
  let best = null;
  for (const actor of actors) {
    for (const spelling of actor.folded) {
      if (spelling && padded.includes(` ${spelling} `) && (!best || spelling.length > best.spelling.length)) {
        best = { actor, spelling };
      }
    }
  }
  if (!best) return { queries: [query], actor: null };
  const queries = best.actor.spellings.map((s) => padded.replace(` ${best.spelling} `, ` ${s} `).trim());
  return { queries: [...new Set(queries)], actor: best.actor };
}

/** French spacing again: Pagefind's excerpts come with ordinary spaces (chronicle/typography.py). */
function french(text) {
  return text.replace(/[ \u00a0]+([;:!?»])/g, "\u202f$1").replace(/«[ \u00a0]+/g, "«\u202f");
}

/** Pagefind's excerpt as safe nodes: its text, with only <mark> kept. */
function excerptNodes(html) {
  const template = document.createElement("template");
  template.innerHTML = html;
  const out = document.createDocumentFragment();
  template.content.childNodes.forEach((node) => {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = french(node.textContent);
      out.append(mark);
    } else {
      out.append(document.createTextNode(french(node.textContent)));
    }
  });
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
  excerpt.append(excerptNodes(result.excerpt || ""));
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
    status.textContent = `Aucun résultat pour ${quoted(query)}.`;
  } else {
    const of = kind ? `${plural(chosen.length, "résultat")} de nature ${quoted(kind)} sur ${total}`
      : plural(total, "résultat");
    status.textContent = `${of} pour ${quoted(query)}${visible < chosen.length ? `, ${visible} affichés` : ""}.`;
  }
  more.hidden = visible >= chosen.length;
  more.textContent = `Afficher ${Math.min(PAGE, chosen.length - visible)} de plus (${chosen.length - visible} restants)`;
}

/** Every result of every query, merged (best score kept), the actor's page first, then by score. */
async function merged(queries, actor) {
  const byId = new Map();
  for (const query of queries) {
    const search = await pagefind.search(query);
    for (const result of search.results) {
      const known = byId.get(result.id);
      if (!known || known.score < result.score) byId.set(result.id, result);
    }
  }
  const ranked = [...byId.values()].sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
  const detailed = await Promise.all(ranked.slice(0, DETAILED).map((r) => r.data()));
  const actorUrl = actor ? new URL(actor.url.slice(1), new URL(siteRoot, location.href)).pathname : null;
  const first = detailed.findIndex((r) => r.url === actorUrl);
  if (first > 0) detailed.unshift(...detailed.splice(first, 1));
  return { results: detailed, total: ranked.length, partial: ranked.length > DETAILED };
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
    found = { query: "", results: [], total: 0, partial: false };
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
    await pagefind.options({ baseUrl: siteRoot, excerptLength: 24 });
  }
  const { queries, actor } = expand(query);
  const outcome = await merged(queries, actor);
  if (ticket !== latest) return;
  found = { query, ...outcome };
  shown = PAGE;
  render();
}

form.hidden = false;
document.querySelector("[data-nojs]").hidden = true;
form.addEventListener("submit", (event) => {
  event.preventDefault();
  search(input.value.trim(), true);
});
let timer = 0;
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
