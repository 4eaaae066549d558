// Live score: on every change, post the form's items as JSON to /api/score/{instrument} and show the server's
// total. The server computes every score (no weights live here); the submitted form is scored again on the server.
(() => {
  "use strict";
  // After a refused submit, move keyboard focus to the error summary (its entries link to the fields).
  const summary = document.getElementById("error-summary");
  if (summary) summary.focus();

  const form = document.getElementById("score-form");
  if (!form) return;
  const total = document.getElementById("live-total");
  const grade = document.getElementById("live-grade");
  const status = document.getElementById("live-status");
  let timer = 0;
  let sequence = 0;

  const collect = () => {
    const body = {};
    for (const el of form.elements) {
      // Lab fields (lab.*, lab_unit.*) are not instrument items: the server reads them on "Check labs".
      if (!el.name || el.name.startsWith("__") || el.name.includes(".")) continue;
      if (el.type === "checkbox") {
        if (el.checked) body[el.name] = true;
      } else if (el.type === "radio") {
        if (el.checked) body[el.name] = el.value;
      } else if (el.value.trim() !== "") {
        body[el.name] = el.value;
      }
    }
    return body;
  };

  const update = async () => {
    const mine = ++sequence;
    try {
      const response = await fetch(form.dataset.scoreUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json", "Accept": "application/json" },
        body: JSON.stringify(collect()),
        credentials: "same-origin",
      });
      const data = await response.json();
      if (mine !== sequence) return;
      if (response.ok) {
        total.textContent = data.total ?? "–";
        grade.textContent = data.grade ?? "";
        status.textContent = (data.issues || []).map((i) => `${i.code}: ${i.message}`).join(" ");
      } else {
        total.textContent = "–";
        grade.textContent = "";
        const issues = (data.issues || []).filter((i) => i.severity === "error");
        status.textContent = form.dataset.textInvalid + " " + issues.map((i) => `${i.code}: ${i.message}`).join(" ");
      }
      form.dataset.liveSequence = String(mine);
    } catch {
      if (mine === sequence) status.textContent = form.dataset.textFailed;
    }
  };

  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(update, 120);
  };
  form.addEventListener("change", schedule);
  form.addEventListener("input", schedule);
})();
