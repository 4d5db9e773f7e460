/*
 * Invoice entry form: progressive enhancement, no build step.
 * Without this script the form still works (server round-trips for the directory and new lines).
 * The totals computed here are indicative only: the server recomputes everything.
 */
(function () {
  "use strict";

  // Forms that must be submitted once only (the confirmation of a send).
  document.querySelectorAll("form[data-submit-once]").forEach(function (f) {
    f.addEventListener("submit", function (event) {
      if (f.dataset.submitted) { event.preventDefault(); return; }
      f.dataset.submitted = "1";
      f.querySelectorAll("button[type=submit]").forEach(function (b) { b.setAttribute("aria-disabled", "true"); });
    });
  });

  var form = document.getElementById("invoice-form");
  if (!form) { return; }
  form.classList.add("chorus-js");

  var field = function (name) { return form.querySelector("[name='" + name + "']"); };

  /* ---------- exact decimal arithmetic (BigInt, half-up rounding like the server) ---------- */

  // One option of a directory's search-as-you-type list (the recipient's, the validator's).
  function directoryOption(item, id, onChoose) {
    var li = document.createElement("li");
    li.id = id;
    li.setAttribute("role", "option");
    li.className = "chorus-directory__option";
    var name = document.createElement("strong");
    name.textContent = item.name;
    var detail = document.createElement("span");
    detail.className = "fr-text--sm";
    detail.textContent = " — SIRET " + item.siret + (item.postcode || item.city ? " — " + (item.postcode || "") + " " + (item.city || "") : "");
    li.appendChild(name); li.appendChild(detail);
    li.addEventListener("mousedown", function (event) { event.preventDefault(); onChoose(item); });
    return li;
  }

  // Keyboard highlight of option ``index`` (-1: none) in ``list``, announced through ``input``.
  function markOption(list, input, index, prefix) {
    list.querySelectorAll("[role=option]").forEach(function (li, i) {
      li.setAttribute("aria-selected", i === index ? "true" : "false");
    });
    input.setAttribute("aria-activedescendant", index >= 0 ? prefix + index : "");
  }

  function parseDecimal(text) {
    if (text === null || text === undefined) { return null; }
    var s = String(text).replace(/[\s\u00a0\u202f]/g, "").replace(",", ".");
    if (s === "") { return null; }
    if (!/^[-+]?\d*(\.\d*)?$/.test(s) || s === "." || s === "-" || s === "+") { return null; }
    var negative = s.charAt(0) === "-";
    s = s.replace(/^[-+]/, "");
    var parts = s.split(".");
    var decimals = parts[1] || "";
    var digits = (parts[0] || "0") + decimals;
    var value = BigInt(digits);
    return { value: negative ? -value : value, scale: decimals.length };
  }

  function pow10(n) { return BigInt(10) ** BigInt(n); }

  function divRoundHalfUp(numerator, denominator) {
    var negative = (numerator < 0n) !== (denominator < 0n);
    var n = numerator < 0n ? -numerator : numerator;
    var d = denominator < 0n ? -denominator : denominator;
    var q = n / d;
    if ((n % d) * 2n >= d) { q += 1n; }
    return negative ? -q : q;
  }

  // value × 10^-scale → integer cents, rounded half-up
  function toCents(dec) {
    if (dec.scale <= 2) { return dec.value * pow10(2 - dec.scale); }
    return divRoundHalfUp(dec.value, pow10(dec.scale - 2));
  }

  function formatCents(cents) {
    var currency = (field("currency") || {}).value || "EUR";
    var negative = cents < 0n;
    var abs = negative ? -cents : cents;
    var units = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, "\u202f");
    var rest = (abs % 100n).toString().padStart(2, "0");
    var symbol = currency === "EUR" ? "€" : currency;
    return (negative ? "−" : "") + units + "," + rest + "\u00a0" + symbol;
  }

  /* ---------- lines ---------- */

  var tbody = form.querySelector("[data-lines]");
  var template = document.getElementById("line-template");
  var total = field("lines-TOTAL_FORMS");

  function rows() { return Array.prototype.slice.call(tbody.querySelectorAll("tr[data-line]")); }

  function renumber() {
    rows().forEach(function (row, index) {
      row.querySelector("[data-line-number]").textContent = String(index + 1);
      row.querySelectorAll("[name^='lines-'], [id^='id_lines-'], label[for^='id_lines-'], [aria-describedby]").forEach(function (el) {
        ["name", "id", "for", "aria-describedby"].forEach(function (attr) {
          var v = el.getAttribute(attr);
          if (v) { el.setAttribute(attr, v.replace(/lines-(\d+|__prefix__)-/, "lines-" + index + "-")); }
        });
      });
    });
    total.value = String(rows().length);
  }

  function addLine() {
    var fragment = template.content.cloneNode(true);
    tbody.appendChild(fragment);
    renumber();
    var row = rows()[rows().length - 1];
    wireRow(row);
    var designation = row.querySelector("[data-field='designation']");
    if (designation) { designation.focus(); }
    computeTotals();
  }

  function removeLine(row) {
    if (rows().length <= 1) {
      row.querySelectorAll("input[type=text]").forEach(function (input) { input.value = ""; });
    } else {
      var next = row.nextElementSibling || row.previousElementSibling;
      row.remove();
      renumber();
      var focusable = next && next.querySelector("[data-remove-line]");
      if (focusable) { focusable.focus(); }
    }
    computeTotals();
  }

  function toggleManualRate(row) {
    var select = row.querySelector("[data-field='vat_rate']");
    var manual = row.querySelector("[data-manual-rate]");
    if (select && manual) { manual.hidden = select.value !== "MANUEL"; }
  }

  function wireRow(row) {
    var remove = row.querySelector("[data-remove-line]");
    if (remove) { remove.addEventListener("click", function () { removeLine(row); }); }
    var select = row.querySelector("[data-field='vat_rate']");
    if (select) { select.addEventListener("change", function () { toggleManualRate(row); computeTotals(); }); }
    toggleManualRate(row);
  }

  rows().forEach(wireRow);
  var addButton = form.querySelector("[data-add-line]");
  if (addButton) {
    addButton.addEventListener("click", function (event) { event.preventDefault(); addLine(); });
  }

  /* ---------- live totals ---------- */

  var live = form.querySelector("[data-live-totals]");

  function computeTotals() {
    var byRate = {};
    var order = [];
    var totalHt = 0n;
    var any = false;
    rows().forEach(function (row) {
      var get = function (name) { var el = row.querySelector("[data-field='" + name + "']"); return el ? el.value : ""; };
      var cell = row.querySelector("[data-line-total]");
      var q = parseDecimal(get("quantity"));
      var p = parseDecimal(get("unit_price"));
      var d = parseDecimal(get("discount")) || { value: 0n, scale: 0 };
      var rateText = get("vat_rate") === "MANUEL" ? get("vat_rate_other") : get("vat_rate");
      var r = parseDecimal(rateText);
      if (!q || !p) { cell.textContent = "—"; return; }
      any = true;
      // net = round2(q × p − d)
      var scale = Math.max(q.scale + p.scale, d.scale);
      var gross = q.value * p.value * pow10(scale - q.scale - p.scale);
      var net = toCents({ value: gross - d.value * pow10(scale - d.scale), scale: scale });
      cell.textContent = formatCents(net);
      totalHt += net;
      var key = r ? (Number(r.value) / Math.pow(10, r.scale)).toString() : "?";
      if (!(key in byRate)) { byRate[key] = { base: 0n, rate: r }; order.push(key); }
      byRate[key].base += net;
    });
    if (!live) { return; }
    live.hidden = !any;
    var vatRows = live.querySelector("[data-vat-rows]");
    vatRows.innerHTML = "";
    var totalVat = 0n;
    order.sort(function (a, b) { return parseFloat(b) - parseFloat(a); }).forEach(function (key) {
      var entry = byRate[key];
      var vat = 0n;
      if (entry.rate) {
        // VAT = round2(base × rate / 100), base in cents: cents × rate(scaled) / (100 × 10^scale)
        vat = divRoundHalfUp(entry.base * entry.rate.value, 100n * pow10(entry.rate.scale));
      }
      totalVat += vat;
      var tr = document.createElement("tr");
      var th = document.createElement("th");
      th.scope = "row";
      th.textContent = "TVA " + key.replace(".", ",") + " % sur " + formatCents(entry.base);
      var td = document.createElement("td");
      td.className = "chorus-amount";
      td.textContent = formatCents(vat);
      tr.appendChild(th); tr.appendChild(td);
      vatRows.appendChild(tr);
    });
    var prepaid = parseDecimal((field("prepaid_amount") || {}).value);
    var discount = parseDecimal((field("global_discount") || {}).value);
    var ttc = totalHt + totalVat;
    var due = ttc - (prepaid ? toCents(prepaid) : 0n) - (discount ? toCents(discount) : 0n);
    live.querySelector("[data-total='ht']").textContent = formatCents(totalHt);
    live.querySelector("[data-total='vat']").textContent = formatCents(totalVat);
    live.querySelector("[data-total='ttc']").textContent = formatCents(ttc);
    live.querySelector("[data-total='due']").textContent = formatCents(due);
  }

  form.addEventListener("input", function (event) {
    if (event.target.closest("[data-line]") || ["prepaid_amount", "global_discount"].indexOf(event.target.name) >= 0) {
      computeTotals();
    }
  });
  computeTotals();

  /* ---------- fields shown only when they apply ---------- */

  function showFor(key, visible) {
    form.querySelectorAll("[data-show-for='" + key + "']").forEach(function (el) { el.hidden = !visible; });
  }

  function refreshConditional() {
    var frameworks = (form.dataset.validatorFrameworks || "").split(",");
    showFor("validator", frameworks.indexOf((field("framework") || {}).value) >= 0);
    showFor("credit-note", (field("kind") || {}).value === form.dataset.creditNoteKind);
    showFor("exemption", (field("vat_regime") || {}).value === "EXONERATION");
    showFor("foreign-currency", (field("currency") || {}).value !== "EUR");
  }
  ["framework", "kind", "vat_regime", "currency"].forEach(function (name) {
    var el = field(name);
    if (el) { el.addEventListener("change", function () { refreshConditional(); computeTotals(); }); }
  });
  refreshConditional();

  // Enter in a text field must not submit (the first button would be taken): only buttons submit.
  form.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.tagName === "INPUT" && event.target.type !== "submit") {
      event.preventDefault();
    }
  });

  /* ---------- directory search (search as you type, by SIRET or name) ---------- */

  var directoryUrl = form.dataset.directoryUrl;
  var siretInput = field("recipient_siret");
  var results = document.getElementById("directory-results");
  var status = form.querySelector("[data-directory-status]");
  var panel = form.querySelector("[data-recipient-panel]");
  var serviceSelect = field("service_code");
  var engagementInput = field("engagement_number");
  var found = [];
  var active = -1;
  var timer = null;
  var lastQuery = "";
  var chosenSiret = siretInput ? siretInput.value.replace(/\s/g, "") : "";

  if (siretInput && results && directoryUrl) {
    siretInput.setAttribute("role", "combobox");
    siretInput.setAttribute("aria-autocomplete", "list");
    siretInput.setAttribute("aria-controls", "directory-results");
    siretInput.setAttribute("aria-expanded", "false");

    siretInput.addEventListener("input", function () {
      var q = siretInput.value.trim();
      if (q.replace(/\s/g, "") !== chosenSiret) { clearRecipient(); }
      clearTimeout(timer);
      if (q.length < 3) { closeResults(); status.textContent = ""; return; }
      timer = setTimeout(function () { search(q); }, 250);
    });
    siretInput.addEventListener("keydown", function (event) {
      if (results.hidden) { return; }
      if (event.key === "ArrowDown") { event.preventDefault(); highlight(Math.min(active + 1, found.length - 1)); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(Math.max(active - 1, 0)); }
      else if (event.key === "Enter") { event.preventDefault(); if (active >= 0) { choose(found[active]); } }
      else if (event.key === "Escape") { closeResults(); }
    });
    document.addEventListener("click", function (event) {
      if (!event.target.closest("[data-directory]")) { closeResults(); }
    });
  }

  function search(q) {
    lastQuery = q;
    status.textContent = "Recherche…";
    fetch(directoryUrl + "?q=" + encodeURIComponent(q), { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { if (!response.ok) { throw new Error(String(response.status)); } return response.json(); })
      .then(function (payload) {
        if (q !== lastQuery) { return; }
        found = payload.results || [];
        var typed = q.replace(/\s/g, "");
        if (found.length === 1 && found[0].siret === typed) { choose(found[0]); return; }  // a pasted SIRET
        renderResults();
      })
      .catch(function () { status.textContent = "La recherche dans l'annuaire a échoué : saisissez le SIRET du destinataire."; });
  }

  function renderResults() {
    results.innerHTML = "";
    active = -1;
    if (!found.length) {
      closeResults();
      status.textContent = "Aucune structure publique active ne correspond à « " + lastQuery + " ».";
      return;
    }
    found.forEach(function (item, index) {
      results.appendChild(directoryOption(item, "directory-option-" + index, choose));
    });
    results.hidden = false;
    siretInput.setAttribute("aria-expanded", "true");
    status.textContent = found.length + (found.length > 1 ? " structures trouvées" : " structure trouvée") + " : choisissez le destinataire.";
  }

  function highlight(index) {
    active = index;
    markOption(results, siretInput, index, "directory-option-");
  }

  function closeResults() {
    results.hidden = true;
    siretInput.setAttribute("aria-expanded", "false");
    siretInput.removeAttribute("aria-activedescendant");
  }

  function clearRecipient() {
    chosenSiret = "";
    panel.innerHTML = "";
  }

  function choose(item) {
    siretInput.value = item.siret;
    chosenSiret = item.siret;
    closeResults();
    status.textContent = item.name + " choisi.";
    renderRecipient(item);
    fillServices(item.services || [], item.service_code_required);
  }

  function renderRecipient(item) {
    panel.innerHTML = "";
    var card = document.createElement("div");
    card.className = "fr-callout fr-callout--blue-ecume";
    card.setAttribute("data-recipient-card", "");
    var title = document.createElement("h3");
    title.className = "fr-callout__title fr-h6";
    title.setAttribute("data-recipient-name", "");
    title.textContent = item.name;
    var where = document.createElement("p");
    where.className = "fr-callout__text fr-text--sm";
    where.textContent = "SIRET " + item.siret + " — " + (item.postcode || "") + " " + (item.city || "");
    var list = document.createElement("ul");
    list.className = "fr-text--sm fr-mb-0";
    list.setAttribute("data-recipient-requirements", "");
    var add = function (key, text) {
      var li = document.createElement("li");
      li.setAttribute("data-requirement", key);
      li.textContent = text;
      list.appendChild(li);
    };
    if (item.service_code_required) {
      add("service", "Cette structure exige un code service : choisissez le service destinataire ci-dessous (il figure en général sur le bon de commande).");
    }
    if (item.engagement_required) {
      add("engagement", "Cette structure exige un numéro d'engagement (bon de commande ou engagement juridique).");
    }
    if (item.engagement_or_service_required) {
      add("either", "Cette structure exige un numéro d'engagement ou un code service.");
    }
    var withEngagement = (item.services || []).filter(function (s) { return s.engagement_required; }).map(function (s) { return s.code; });
    if (withEngagement.length) {
      add("service-engagement", "Le numéro d'engagement est aussi obligatoire pour les services : " + withEngagement.join(", ") + ".");
    }
    if (!list.children.length) { add("none", "Ni code service ni numéro d'engagement n'est obligatoire pour cette structure."); }
    card.appendChild(title); card.appendChild(where); card.appendChild(list);
    panel.appendChild(card);
    chosenRecipient = item;
    markRecipientRequirements();
  }

  // The labels follow the chosen recipient's rules (the same as invoices.checks.routing):
  // « (Optionnel) » disappears from the service code and the engagement number it requires.
  var chosenRecipient = null;
  function markRecipientRequirements() {
    if (!chosenRecipient || !window.chorusRequired) { return; }
    var code = serviceSelect ? serviceSelect.value : "";
    var service = (chosenRecipient.services || []).filter(function (s) { return s.code === code; })[0];
    window.chorusRequired.set(serviceSelect, Boolean(chosenRecipient.service_code_required));
    window.chorusRequired.set(engagementInput, Boolean(chosenRecipient.engagement_required || (service && service.engagement_required)));
  }
  if (serviceSelect) { serviceSelect.addEventListener("change", markRecipientRequirements); }

  function fillServices(services, required) {
    if (!serviceSelect || serviceSelect.tagName !== "SELECT") { return; }
    var current = serviceSelect.value;
    serviceSelect.innerHTML = "";
    var blank = document.createElement("option");
    blank.value = "";
    blank.textContent = required ? "— Choisissez un service (obligatoire) —" : "— Aucun service —";
    serviceSelect.appendChild(blank);
    services.forEach(function (s) {
      var option = document.createElement("option");
      option.value = s.code;
      option.textContent = s.code + " – " + s.name + (s.engagement_required ? " (engagement obligatoire)" : "");
      if (s.code === current) { option.selected = true; }
      serviceSelect.appendChild(option);
    });
    markRecipientRequirements();
  }
  /* ---------- validator / maître d'œuvre search (companies, by name or SIRET prefix) ---------- */
  // Same behaviour as the recipient's search; without this script the SIRET is typed.

  (function validatorSearch() {
    var url = form.dataset.validatorSearchUrl;
    var input = field("validator_identifier");
    var box = form.querySelector("[data-validator-search]");
    var list = document.getElementById("validator-results");
    var note = form.querySelector("[data-validator-status]");
    if (!url || !input || !box || !list || !note) { return; }
    var items = [];
    var current = -1;
    var wait = null;
    var last = "";

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", "validator-results");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("autocomplete", "off");
    note.textContent = "Tapez le nom de l'entreprise ou le début de son SIRET, puis choisissez-la.";

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function mark(index) {
      current = index;
      markOption(list, input, index, "validator-option-");
    }

    function pick(item) {
      input.value = item.siret;
      close();
      note.textContent = item.name + " (SIRET " + item.siret + ") choisie.";
    }

    function show() {
      list.innerHTML = "";
      current = -1;
      if (!items.length) {
        close();
        note.textContent = "Aucune entreprise active ne correspond à « " + last + " » : vérifiez le nom ou saisissez son SIRET.";
        return;
      }
      items.forEach(function (item, index) {
        list.appendChild(directoryOption(item, "validator-option-" + index, pick));
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      note.textContent = items.length + (items.length > 1 ? " entreprises trouvées" : " entreprise trouvée") + " : choisissez-la.";
    }

    function lookup(q) {
      last = q;
      note.textContent = "Recherche…";
      fetch(url + "?q=" + encodeURIComponent(q), { headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (response) { if (!response.ok) { throw new Error(String(response.status)); } return response.json(); })
        .then(function (payload) {
          if (q !== last) { return; }
          items = payload.results || [];
          if (items.length === 1 && items[0].siret === q.replace(/\s/g, "")) { pick(items[0]); return; }  // a pasted SIRET
          show();
        })
        .catch(function () { note.textContent = "La recherche a échoué : saisissez le SIRET de l'entreprise."; });
    }

    input.addEventListener("input", function () {
      var q = input.value.trim();
      clearTimeout(wait);
      if (q.length < 3) { close(); return; }
      wait = setTimeout(function () { lookup(q); }, 250);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) { return; }
      if (event.key === "ArrowDown") { event.preventDefault(); mark(Math.min(current + 1, items.length - 1)); }
      else if (event.key === "ArrowUp") { event.preventDefault(); mark(Math.max(current - 1, 0)); }
      else if (event.key === "Enter") { event.preventDefault(); if (current >= 0) { pick(items[current]); } }
      else if (event.key === "Escape") { close(); }
    });
    document.addEventListener("click", function (event) {
      if (!event.target.closest("[data-validator-search]")) { close(); }
    });
  })();
})();
