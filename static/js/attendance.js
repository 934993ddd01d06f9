// The attendance that opens a jury session: as members are ticked present, say whether the
// president is there and whether the quorum and the parity hold (jury/permissions.py
// quorum_problems, whose check on submission stays the rule). The French sentences come
// from the form's data-msg-* attributes. Progressive enhancement: without this file the
// server answers with what is missing, keeping what was ticked.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("[data-attendance]");
  if (!form) return;
  const status = form.querySelector("[data-quorum-status]");
  const ids = (name) => new Set((form.dataset[name] || "").split(" ").filter(Boolean));
  const employeurs = ids("employeurs");
  const salaries = ids("salaries");
  const president = form.dataset.president;
  const msg = form.dataset;
  const fill = (text, values) =>
    text.replace(/%\((\w+)\)[sd]/g, (whole, key) => (key in values ? values[key] : whole));
  const update = () => {
    const ticked = [...form.querySelectorAll("input[name=present]:checked")].map((box) => box.value);
    const e = ticked.filter((id) => employeurs.has(id)).length;
    const s = ticked.filter((id) => salaries.has(id)).length;
    const problems = [];
    if (!e) problems.push(msg.msgEmployeurs);
    if (!s) problems.push(msg.msgSalaries);
    // Counted in words, as jury/permissions.py does with ngettext (one, or more).
    const count = (n, one, many) => fill(n === 1 ? one : many, { n });
    if ("parity" in msg && e && s && e !== s) {
      problems.push(fill(msg.msgParity, {
        employeurs: count(e, msg.msgEmployeursOne, msg.msgEmployeursMany),
        salaries: count(s, msg.msgSalariesOne, msg.msgSalariesMany),
      }));
    }
    let text = msg.msgOk;
    if (president && !ticked.includes(president)) text = msg.msgPresident;
    else if (problems.length) text = fill(msg.msgRefused, { p: problems.join(" ; ") });
    status.textContent = text;
    status.classList.toggle("quorum-status--ok", text === msg.msgOk);
  };
  form.addEventListener("change", update);
  update();
});
