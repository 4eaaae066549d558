// The adverse-event form's CTCAE v5.0 pick list: when the term typed or picked is a CTCAE term (the datalist the
// server wrote from Stroma.Clinical's CtcaeV5), show its MedDRA code and system organ class and leave only the grades
// the term defines selectable. Only a convenience: the server refuses any other grade (AEV007).
(() => {
  "use strict";
  const term = document.getElementById("Term");
  const list = document.getElementById("ctcae-terms");
  const grade = document.getElementById("Grade");
  const note = document.getElementById("Term-ctcae");
  if (!term || !list || !grade || !note) return;
  const byTerm = new Map([...list.options].map(o => [o.value.trim().toLowerCase(), o]));
  const update = () => {
    const found = byTerm.get(term.value.trim().toLowerCase());
    note.textContent = found ? `CTCAE v5.0 · MedDRA ${found.dataset.code} · ${found.dataset.soc}` : "";
    for (const option of grade.options) {
      if (option.value === "") continue;
      option.disabled = !!found && !found.dataset.grades.includes(option.value);
      if (option.disabled && option.selected) grade.value = "";
    }
  };
  term.addEventListener("input", update);
  term.addEventListener("change", update);
  update();
})();
