// Behaviour shared by every page, loaded with `defer` from base.html (no inline script: CSP).
// Everything here is an enhancement: without JavaScript the pages work as plain HTML.
(function () {
  "use strict";

  // --- Menu: folds behind a button on small screens -------------------------------------------
  function setupMenu() {
    var button = document.querySelector("[data-menu-toggle]");
    var nav = document.getElementById("main-nav");
    if (!button || !nav) {
      return;
    }
    button.hidden = false;
    nav.classList.add("is-foldable");
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", String(open));
      nav.classList.toggle("is-open", open);
    });
  }

  // --- Tables: each cell carries its column's name, so CSS can stack rows as cards -------------
  function labelTables() {
    document.querySelectorAll("table.table").forEach(function (table) {
      var heads = table.querySelectorAll("thead tr:last-child th");
      if (!heads.length || table.classList.contains("calendar") || table.closest(".visually-hidden")) {
        return;
      }
      table.classList.add("stackable");
      var names = Array.prototype.map.call(heads, function (th) {
        return th.textContent.replace(/\s+/g, " ").trim();
      });
      table.querySelectorAll("tbody tr, tfoot tr").forEach(function (row) {
        var col = 0;
        Array.prototype.forEach.call(row.children, function (cell) {
          if (!cell.hasAttribute("data-label") && names[col]) {
            cell.setAttribute("data-label", names[col]);
          }
          col += cell.colSpan || 1;
        });
      });
    });
  }

  // --- Filter forms: fold behind "Bộ lọc (n)" on small screens --------------------------------
  // Active filters are the ones the page's address carries (not the defaults the form shows).
  function activeFilters(form) {
    var names = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name && el.type !== "hidden" && el.type !== "submit") {
        names[el.name] = true;
      }
    });
    var count = 0;
    var counted = {};
    new URLSearchParams(window.location.search).forEach(function (value, name) {
      if (names[name] && value.trim() !== "" && name !== "sort" && name !== "page" && !counted[name]) {
        counted[name] = true;
        count += 1;
      }
    });
    return count;
  }

  function setupFilters() {
    document.querySelectorAll("form.filters").forEach(function (form, index) {
      if (!form.id) {
        form.id = "filters-" + (index + 1);
      }
      var count = activeFilters(form);
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button filter-toggle";
      button.setAttribute("aria-controls", form.id);
      button.setAttribute("aria-expanded", "false");
      button.setAttribute("data-filter-toggle", "");
      button.textContent = count ? "Bộ lọc (" + count + " đang áp dụng)" : "Bộ lọc";
      form.parentNode.insertBefore(button, form);
      form.classList.add("is-foldable");
      if (form.querySelector("[aria-invalid='true'], .has-error")) {
        form.classList.add("is-open");
        button.setAttribute("aria-expanded", "true");
      }
      button.addEventListener("click", function () {
        var open = button.getAttribute("aria-expanded") !== "true";
        button.setAttribute("aria-expanded", String(open));
        form.classList.toggle("is-open", open);
        if (open) {
          var first = form.querySelector("input:not([type=hidden]), select, textarea");
          if (first) {
            first.focus();
          }
        }
      });
    });
  }

  // --- Searchable selects (Tom Select, served from /static/vendor/) ----------------------------
  function forgetPendingRefresh(ts) {
    // Tom Select defers the refresh after a keystroke (refreshThrottle) and keeps no public way to cancel it.
    if (ts.refreshTimeout) {
      window.clearTimeout(ts.refreshTimeout);
      ts.refreshTimeout = null;
    }
  }

  function setupSelects(root) {
    if (typeof window.TomSelect !== "function") {
      return;
    }
    (root || document).querySelectorAll("select[data-autocomplete-url], select[multiple]:not([data-plain]), select[data-searchable]").forEach(function (select) {
      if (select.tomselect || select.closest("template")) {
        return;
      }
      var url = select.getAttribute("data-autocomplete-url");
      // Tom Select points the <label> at its own input; the original select keeps the name too.
      var label = select.id ? document.querySelector("label[for='" + select.id + "']") : null;
      var labelText = label ? label.textContent.replace(/\s+/g, " ").trim() : "";
      if (labelText && !select.hasAttribute("aria-label")) {
        select.setAttribute("aria-label", labelText);
      }
      var settings = {
        placeholder: "Gõ để tìm…",
        maxOptions: 50,
        hideSelected: select.multiple,
        closeAfterSelect: !select.multiple,
        allowEmptyOption: true,
        plugins: select.multiple ? { remove_button: { title: "Bỏ chọn" } } : {},
        render: {
          no_results: function () {
            return "<div class=\"no-results\">Không tìm thấy.</div>";
          },
          loading: function () {
            return "<div class=\"spinner\">Đang tìm…</div>";
          },
          option_create: function () {
            return "";
          }
        },
        onItemAdd: function () {
          forgetPendingRefresh(this);
          // Ready for the next one: the words typed to find this item are cleared.
          if (select.multiple) {
            this.setTextboxValue("");
            this.refreshOptions(false);
          }
        },
        onInitialize: function () {
          var ts = this;
          // A refresh still pending from the last keystroke would open this control after the user
          // has chosen or moved on, and take focus (and keys) from the field now being typed in.
          this.control_input.addEventListener("blur", function () {
            forgetPendingRefresh(ts);
          });
          if (select.getAttribute("aria-invalid") === "true") {
            this.wrapper.classList.add("is-invalid");
            this.control_input.setAttribute("aria-invalid", "true");
          }
        }
      };
      if (url) {
        settings.valueField = "value";
        settings.labelField = "text";
        // The server searches without diacritics in the user's scope; Tom Select's own filter (also
        // diacritics-insensitive) then keeps only the loaded options matching what is typed now.
        settings.searchField = ["text"];
        settings.preload = "focus";
        settings.shouldLoad = function () {
          return true;
        };
        settings.load = function (query, callback) {
          var ts = this;
          var sep = url.indexOf("?") === -1 ? "?" : "&";
          var extra = "";
          // A party picker offers the partners of the record's date (its form's date field).
          var dateName = select.getAttribute("data-autocomplete-date");
          var dateInput = dateName && select.form ? select.form.querySelector("[name='" + dateName + "']") : null;
          if (dateInput && dateInput.value) {
            extra = "&ngay=" + encodeURIComponent(dateInput.value);
          }
          fetch(url + sep + "q=" + encodeURIComponent(query) + extra, { credentials: "same-origin", headers: { Accept: "application/json" } })
            .then(function (r) { return r.ok ? r.json() : { results: [] }; })
            .then(function (data) {
              // Tom Select ignores a blur while the window is not focused (document.hasFocus()), and
              // would then open and focus this control when late results arrive, taking the keys the
              // user is typing into another field. Results that come back after the user left load quietly.
              if (!ts.wrapper.contains(document.activeElement)) {
                ts.isFocused = false;
              }
              callback(data.results);
            })
            .catch(function () { callback(); });
        };
      }
      new window.TomSelect(select, settings);
      var dateField = select.getAttribute("data-autocomplete-date");
      var dateBox = dateField && select.form ? select.form.querySelector("[name='" + dateField + "']") : null;
      if (dateBox && !dateBox.hasAttribute("data-picker-date")) {
        dateBox.setAttribute("data-picker-date", "");
        dateBox.addEventListener("change", function () {
          // Another date, other partners: forget what was loaded for the old one.
          select.form.querySelectorAll("select[data-autocomplete-date]").forEach(function (other) {
            if (other.tomselect) {
              other.tomselect.loadedSearches = {};
              other.tomselect.clearOptions();
            }
          });
        });
      }
    });
  }

  // --- Forms with errors: one place to look, focus on the first field in error ----------------
  function focusFirstError() {
    var target = document.querySelector("main [aria-invalid='true']:not([type=hidden]), main .has-error input:not([type=hidden]), main .has-error select, main .has-error textarea");
    if (!target) {
      var rowError = document.querySelector("main .formset-row .error, main .formset-row .errorlist");
      if (rowError) {
        var row = rowError.closest(".formset-row");
        target = row.querySelector("input:not([type=hidden]), select, textarea");
      }
    }
    if (!target) {
      target = document.querySelector("main .form-alert");
      if (target) {
        target.setAttribute("tabindex", "-1");
      }
    }
    if (!target) {
      return;
    }
    if (target.tomselect) {
      target = target.tomselect.control_input;
    } else if (target.tagName === "SELECT" && target.nextElementSibling && target.nextElementSibling.classList.contains("ts-wrapper")) {
      target = target.nextElementSibling.querySelector("input") || target;
    }
    target.focus({ preventScroll: true });
    target.scrollIntoView({ block: "center" });
  }

  // Rows added by formset.js get the same searchable selects.
  window.portalEnhance = setupSelects;

  function init() {
    setupMenu();
    labelTables();
    setupFilters();
    setupSelects();
    focusFirstError();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
