// The report's behaviour: filters, term focus, jumping between a finding and its text, and a
// self-check of the layout that the tests read back from the DOM (data-* on <html>).
(function () {
  "use strict";
  var root = document.documentElement;
  window.addEventListener("error", function (event) { root.dataset.jsError = String(event.message); });

  function all(selector, scope) { return Array.prototype.slice.call((scope || document).querySelectorAll(selector)); }
  function checked(name) {
    return all('.toolbar input[name="' + name + '"]').filter(function (box) { return box.checked; })
      .map(function (box) { return box.value; });
  }

  // Filters: a finding is shown when its severity and its family are both ticked.
  function applyFilters() {
    var severities = checked("severity"), families = checked("family");
    var only = document.querySelector('.toolbar input[name="only"]').checked;
    var shown = 0, total = 0;
    all(".finding").forEach(function (card) {
      var on = severities.indexOf(card.dataset.sev) >= 0 && families.indexOf(card.dataset.fam) >= 0;
      card.hidden = !on;
      total += 1; shown += on ? 1 : 0;
    });
    all(".dm, .rm").forEach(function (mark) {
      var on = severities.indexOf(mark.dataset.sev) >= 0 && families.indexOf(mark.dataset.fam) >= 0;
      mark.classList.toggle("off", !on);
    });
    all("#text .row[id], #front-matter .row, #references .row").forEach(function (row) {
      row.hidden = only && !row.querySelector(".finding:not([hidden])");
    });
    all(".ctx-finding").forEach(function (line) {
      line.hidden = severities.indexOf(line.dataset.sev) < 0 || families.indexOf(line.dataset.fam) < 0;
    });
    all("#citations .ctx").forEach(function (block) {
      block.hidden = only && !block.querySelector(".ctx-finding:not([hidden])");
    });
    document.body.classList.toggle("no-terms", !document.querySelector('.toolbar input[name="terms"]').checked);
    var counter = document.querySelector(".toolbar .shown");
    if (counter) { counter.textContent = "showing " + shown + " of " + total + " findings"; }
    root.dataset.shownFindings = String(shown);
    root.dataset.hiddenRows = String(all("#text .row[hidden]").length);
    root.dataset.hiddenContexts = String(all("#citations .ctx[hidden]").length);
  }

  // Initial filter state from the query string (?severity=error&family=REF,TERM&only=1), so a
  // link can open the report already filtered.
  function readQuery() {
    var query = new URLSearchParams(window.location.search);
    ["severity", "family"].forEach(function (name) {
      if (!query.has(name)) { return; }
      var wanted = query.get(name).split(",");
      all('.toolbar input[name="' + name + '"]').forEach(function (box) { box.checked = wanted.indexOf(box.value) >= 0; });
    });
    if (query.get("only") === "1") { document.querySelector('.toolbar input[name="only"]').checked = true; }
    if (query.get("terms") === "0") { document.querySelector('.toolbar input[name="terms"]').checked = false; }
  }

  // Clicking a term (in the text or the legend) outlines every occurrence of it in both columns.
  function focusTerm(number) {
    var already = document.querySelector('.term.focus[data-term="' + number + '"]');
    all(".focus").forEach(function (el) { el.classList.remove("focus"); });
    if (already) { return; }
    all('[data-term="' + number + '"]').forEach(function (el) { el.classList.add("focus"); });
  }

  function flash(element) {
    element.classList.remove("flash");
    void element.offsetWidth;
    element.classList.add("flash");
  }

  document.addEventListener("click", function (event) {
    var term = event.target.closest(".term, .legend tr[data-term]");
    var mark = event.target.closest(".dm, .rm");
    if (mark) {
      var cardElement = document.getElementById("d" + mark.dataset.d);
      if (cardElement) { cardElement.scrollIntoView({ block: "center" }); flash(cardElement); }
      return;
    }
    if (term) { focusTerm(term.dataset.term); return; }
    var link = event.target.closest("a.rule, a.related");
    if (link) {
      var targetElement = document.querySelector(link.getAttribute("href"));
      if (targetElement && targetElement.classList.contains("dm")) { flash(targetElement); }
      if (targetElement && targetElement.classList.contains("rm")) { flash(targetElement); }
    }
  });
  all(".toolbar input").forEach(function (box) { box.addEventListener("change", applyFilters); });

  // The column headings stick below the header, whatever height the header wraps to.
  function measureHeader() {
    var header = document.querySelector("header");
    root.style.setProperty("--header-height", header.getBoundingClientRect().height + "px");
  }

  // Layout self-check: in every aligned row the zh and en cells start at the same height.
  function checkAlignment() {
    var rows = all("#text .row[id]"), misaligned = [];
    rows.forEach(function (row) {
      var zh = row.querySelector(".cell.zh"), en = row.querySelector(".cell.en");
      if (!zh || !en) { misaligned.push(row.id); return; }
      if (Math.abs(zh.getBoundingClientRect().top - en.getBoundingClientRect().top) > 0.5) { misaligned.push(row.id); }
    });
    root.dataset.rows = String(rows.length);
    root.dataset.misaligned = String(misaligned.length);
    root.dataset.misalignedRows = misaligned.join(" ");
  }

  readQuery();
  applyFilters();
  measureHeader();
  checkAlignment();
  window.addEventListener("resize", measureHeader);
  window.addEventListener("load", function () { measureHeader(); checkAlignment(); });
  root.dataset.ready = "1";
})();
