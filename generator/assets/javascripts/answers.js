/* The reader's answers on checklists, worksheets and plans: kept in this browser's local storage, one entry
   per page, so that they survive a reload and print filled in. Nothing is ever sent anywhere: the controls
   are in no form, and this script makes no request. "Clear my answers" empties them. Worksheets add up their
   own scores and totals as the reader answers.

   Every control the handbook's templates make for an answer carries data-answer and a name unique on its
   page (templates/_answers.md.j2). Where local storage cannot be used (switched off, or a private window
   that refuses it), answers still work on the page but are not kept, and the note saying so stays hidden. */
(function () {
  "use strict";

  var PREFIX = "handbook-answers:";

  function controls(root) {
    return Array.prototype.slice.call(root.querySelectorAll("[data-answer][name]"));
  }

  function storage() {
    try {
      var probe = PREFIX + "probe";
      window.localStorage.setItem(probe, "1");
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (error) {
      return null;
    }
  }

  function read(store, key) {
    try {
      var saved = JSON.parse(store.getItem(key) || "{}");
      return saved && typeof saved === "object" ? saved : {};
    } catch (error) {
      return {};
    }
  }

  function valueOf(control) {
    if (control.type === "checkbox") return control.checked;
    if (control.type === "radio") return control.checked ? control.value : undefined;
    return control.value;
  }

  function collect(root) {
    var answers = {};
    controls(root).forEach(function (control) {
      var value = valueOf(control);
      if (value === undefined || value === "" || value === false) return;
      answers[control.name] = value;
    });
    return answers;
  }

  function restore(root, answers) {
    controls(root).forEach(function (control) {
      var value = Object.prototype.hasOwnProperty.call(answers, control.name) ? answers[control.name] : null;
      if (control.type === "checkbox") control.checked = value === true;
      else if (control.type === "radio") control.checked = value !== null && control.value === String(value);
      else control.value = value === null ? "" : String(value);
    });
  }

  function number(text) {
    var value = parseFloat(String(text).replace(",", "."));  /* "2,5" as written in French or Spanish */
    return isFinite(value) ? value : null;
  }

  function format(value) {
    return String(Math.round(value * 100) / 100);
  }

  /* Each counting answer times its row's weight (a number set by the handbook, or chosen by the reader);
     the total adds up the rows answered. */
  function addUp(root) {
    Array.prototype.forEach.call(root.querySelectorAll("table[data-worksheet]"), function (table) {
      var totals = {};
      Array.prototype.forEach.call(table.querySelectorAll("tr[data-row]"), function (row) {
        var weigh = row.querySelector("[data-weigh]");
        var weight = number(weigh ? weigh.value : row.getAttribute("data-weight") || 1);
        Array.prototype.forEach.call(row.querySelectorAll("td[data-column]"), function (cell) {
          var column = cell.getAttribute("data-column");
          var control = cell.querySelector("[data-answer]");
          var answer = control ? number(control.value) : null;
          var score = answer !== null && weight !== null ? answer * weight : null;
          var output = row.querySelector('output[data-score="' + column + '"]');
          if (output) output.value = score === null ? "" : format(score);
          if (score !== null) totals[column] = (totals[column] || 0) + score;
        });
      });
      Array.prototype.forEach.call(table.querySelectorAll("output[data-total]"), function (output) {
        var total = totals[output.getAttribute("data-total")];
        output.value = total === undefined ? "" : format(total);
      });
    });
  }

  function start() {
    var root = document.querySelector("article") || document.body;
    if (!controls(root).length) return;
    var store = storage();
    var key = PREFIX + window.location.pathname;
    if (store) restore(root, read(store, key));
    addUp(root);

    function save() {
      addUp(root);
      if (!store) return;
      var answers = collect(root);
      try {
        if (Object.keys(answers).length) store.setItem(key, JSON.stringify(answers));
        else store.removeItem(key);
      } catch (error) { /* full or refused: the answers stay on the page */ }
    }
    root.addEventListener("input", function (event) {
      if (event.target.hasAttribute && event.target.hasAttribute("data-answer")) save();
    });
    root.addEventListener("change", function (event) {
      if (event.target.hasAttribute && event.target.hasAttribute("data-answer")) save();
    });

    Array.prototype.forEach.call(root.querySelectorAll(".handbook-answers-kept"), function (note) {
      if (store) note.hidden = false;
    });
    Array.prototype.forEach.call(root.querySelectorAll("[data-answers-clear]"), function (button) {
      button.addEventListener("click", function () {
        restore(root, {});
        if (store) store.removeItem(key);
        addUp(root);
        var status = button.parentNode.querySelector("[role=status]");
        if (status) status.textContent = status.getAttribute("data-cleared") || "";
      });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
