/* Chronicle: full-text search with Pagefind, loaded only on the search page. */
const form = document.querySelector("[data-search]");
const input = document.getElementById("q");
const status = document.querySelector("[data-search-status]");
const list = document.querySelector("[data-search-results]");
const bundle = new URL(form.getAttribute("data-bundle"), location.href);
const siteRoot = new URL("../", bundle).pathname;
let pagefind = null;
let latest = 0;

/** Pagefind's excerpt as safe nodes: its text, with only <mark> kept. */
function excerptNodes(html) {
  const template = document.createElement("template");
  template.innerHTML = html;
  const out = document.createDocumentFragment();
  template.content.childNodes.forEach((node) => {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      out.append(mark);
    } else {
      out.append(document.createTextNode(node.textContent));
    }
  });
  return out;
}

function render(results, query) {
  list.replaceChildren();
  for (const result of results) {
    const item = document.createElement("li");
    const type = document.createElement("p");
    type.className = "result-type";
    type.textContent = result.meta.type || "";
    const title = document.createElement("h2");
    title.className = "result-title";
    const link = document.createElement("a");
    link.href = result.url;
    link.textContent = result.meta.title || result.url;
    title.append(link);
    const excerpt = document.createElement("p");
    excerpt.append(excerptNodes(result.excerpt || ""));
    item.append(type, title, excerpt);
    list.append(item);
  }
  const count = results.length;
  status.textContent = count === 0 ? `Aucun résultat pour « ${query} ».`
    : `${count} résultat${count > 1 ? "s" : ""} pour « ${query} ».`;
}

async function search(query, updateUrl) {
  const ticket = ++latest;
  if (updateUrl) {
    const url = new URL(location.href);
    if (query) url.searchParams.set("q", query); else url.searchParams.delete("q");
    history.replaceState(null, "", url);
  }
  if (!query) {
    list.replaceChildren();
    status.textContent = "";
    return;
  }
  if (!pagefind) {
    status.textContent = "Chargement de l'index…";
    pagefind = await import(new URL("pagefind.js", bundle).href);
    await pagefind.options({ baseUrl: siteRoot });
  }
  const found = await pagefind.search(query);
  const results = await Promise.all(found.results.slice(0, 30).map((r) => r.data()));
  if (ticket === latest) render(results, query);
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
const initial = new URLSearchParams(location.search).get("q");
if (initial) {
  input.value = initial;
  search(initial, false);
}
