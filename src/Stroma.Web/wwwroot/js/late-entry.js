// Reveals a form's "reason for late entry" field once its event date is more than the late-entry days before today
// (both given by the server). Only a convenience: the server refuses a late entry without a reason (RET002).
(() => {
  "use strict";
  const dayMs = 24 * 60 * 60 * 1000;
  for (const item of document.querySelectorAll("[data-late-for]")) {
    const source = document.getElementById(item.dataset.lateFor);
    if (!source) continue;
    const days = Number(item.dataset.lateDays);
    const today = Date.parse(item.dataset.today);
    const update = () => {
      const entered = Date.parse(source.value.slice(0, 10));
      const late = !Number.isNaN(entered) && (today - entered) / dayMs > days;
      item.hidden = !(late || item.dataset.keep === "1");
    };
    source.addEventListener("input", update);
    source.addEventListener("change", update);
    update();
  }
})();
