// The secretariat's review page: the checklist of items to complete only matters for a
// request for completion, so it shows when that decision is chosen (and whenever it holds
// an error). Progressive enhancement: without this file the checklist is always shown.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("[data-recevabilite-form]");
  if (!form) return;
  const items = form.querySelector("[data-completion-items]");
  if (!items) return;
  const update = () => {
    const chosen = form.querySelector("input[name=outcome]:checked");
    const incomplete = chosen !== null && chosen.value === "incomplet";
    items.hidden = !incomplete && !items.classList.contains("field--error");
  };
  form.addEventListener("change", update);
  update();
});
