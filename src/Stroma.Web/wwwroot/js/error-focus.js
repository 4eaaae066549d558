// Issue #19 "Forms ... work with the keyboard alone, show field errors next to the field": after a refused save the
// focus moves to the error summary (its links lead to each field), or to the first field whose error is shown, so a
// keyboard or screen-reader user starts from what to fix. The fields keep what was typed (the server re-renders them).
document.addEventListener("DOMContentLoaded", () => {
    const summary = document.getElementById("error-summary");
    if (summary) {
        summary.focus();
        return;
    }
    const error = document.querySelector(".field-error:not(:empty)");
    const field = error?.closest(".item, .lab, fieldset")?.querySelector("input:not([type=hidden]), select, textarea");
    field?.focus();
});
