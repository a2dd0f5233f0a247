/* Chronicle: the few lines of JavaScript. Every page works without them. */
(function () {
  "use strict";
  var FIELDS = ["acteur", "canal", "nature", "annee"];

  function matches(element, chosen) {
    return FIELDS.every(function (name) {
      if (!chosen[name]) return true;
      return (element.getAttribute("data-" + name) || "").split(" ").indexOf(chosen[name]) !== -1;
    });
  }

  function setUpFilters(form) {
    var items = document.querySelectorAll(".event-item[data-acteur]");
    var marks = document.querySelectorAll(".mark[data-acteur], .tlv-mark[data-acteur]");
    var status = form.querySelector("[data-filter-status]");
    var none = document.querySelector("[data-no-match]");
    var chosenLine = form.querySelector("[data-filter-chosen]");

    function chosen() {
      var values = {};
      FIELDS.forEach(function (name) { values[name] = form.elements[name].value; });
      return values;
    }

    function apply(updateUrl) {
      var values = chosen();
      var shown = 0;
      items.forEach(function (item) {
        var ok = matches(item, values);
        item.hidden = !ok;
        if (ok) shown += 1;
      });
      marks.forEach(function (mark) { mark.classList.toggle("dim", !matches(mark, values)); });
      document.querySelectorAll("[data-month]").forEach(function (month) {
        month.hidden = !month.querySelector(".event-item:not([hidden])");
      });
      document.querySelectorAll("[data-year]").forEach(function (year) {
        year.hidden = !year.querySelector(".event-item:not([hidden])");
      });
      var active = FIELDS.some(function (name) { return values[name]; });
      // the chosen names in full: a long name may not fit in its menu on a phone
      if (chosenLine) {
        chosenLine.textContent = FIELDS.filter(function (name) { return values[name]; }).map(function (name) {
          var select = form.elements[name];
          return select.labels[0].textContent + "\u202f: " + select.options[select.selectedIndex].textContent;
        }).join(" · ");
      }
      status.textContent = active ? shown + " événement" + (shown > 1 ? "s" : "") + " sur " + items.length : "";
      if (none) none.hidden = shown > 0;
      if (updateUrl) {
        var params = new URLSearchParams();
        FIELDS.forEach(function (name) { if (values[name]) params.set(name, values[name]); });
        var query = params.toString();
        history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
      }
    }

    var params = new URLSearchParams(location.search);
    FIELDS.forEach(function (name) {
      var value = params.get(name);
      var select = form.elements[name];
      if (value && Array.prototype.some.call(select.options, function (o) { return o.value === value; })) {
        select.value = value;
      }
    });
    form.hidden = false;
    form.addEventListener("change", function () { apply(true); });
    form.addEventListener("submit", function (event) { event.preventDefault(); apply(true); });
    form.addEventListener("reset", function () { setTimeout(function () { apply(true); }, 0); });
    apply(false);
  }

  function setUpCitation() {
    var today = new Date().toLocaleDateString("fr-FR", { day: "numeric", month: "long", year: "numeric" });
    document.querySelectorAll("[data-today]").forEach(function (span) { span.textContent = today; });
    // The day the reader consults the page, and its address when the site was built without one:
    // the citation reads whole without them (no placeholder), the script completes it.
    document.querySelectorAll("[data-consulted]").forEach(function (span) { span.hidden = false; });
    var here = location.href.split("#")[0].split("?")[0];
    document.querySelectorAll("[data-here-url]").forEach(function (span) { span.textContent = here; });
    document.querySelectorAll("[data-here]").forEach(function (span) { span.hidden = !/^https?:/.test(here); });
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      var target = document.getElementById(button.getAttribute("data-copy"));
      var status = button.parentNode.querySelector("[data-copy-status]");
      if (!target || !navigator.clipboard) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        var text = target.textContent.replace(/\s+/g, " ").trim();
        navigator.clipboard.writeText(text).then(function () {
          status.textContent = "Référence copiée.";
        }, function () {
          status.textContent = "La copie a échoué\u202f: sélectionnez le texte ci-dessus.";
        });
      });
    });
  }

  // Timeline (h14a): on a narrow screen it scrolls; it starts at its busiest year. CSS does it where
  // scroll-initial-target is known; elsewhere, this does.
  document.querySelectorAll(".tl-scroll[data-focus]").forEach(function (box) {
    if (box.scrollWidth > box.clientWidth && box.scrollLeft === 0) {
      box.scrollLeft = parseFloat(box.getAttribute("data-focus")) * box.scrollWidth;
    }
  });

  var form = document.querySelector("[data-filters]");
  if (form) setUpFilters(form);
  setUpCitation();
})();
