// Progressive enhancement only: every page works without this file.
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", () => {
  // A form sent back with errors: its summary takes the focus, so that it is read first
  // and its links lead to each field.
  const summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
  const toggle = document.querySelector("[data-nav-toggle]");
  if (!toggle) return;
  const nav = document.getElementById(toggle.getAttribute("aria-controls"));
  toggle.addEventListener("click", () => {
    const open = toggle.getAttribute("aria-expanded") === "true";
    toggle.setAttribute("aria-expanded", String(!open));
    nav.classList.toggle("is-open", !open);
  });
});

// Focus not obscured (WCAG 2.4.11): a field focused under a sticky bar (the livret's save
// bar, marked data-sticky-bar) is scrolled just above it. Browsers scroll a field that is out
// of view (the CSS scroll-padding keeps it clear of the bar) but leave one that is partly
// visible where it is; checked after the browser's own scroll, in the next frame.
// Keyboard focus only (:focus-visible): a field clicked with the mouse stays where it is, lest
// the page move between the press and the release and the click be lost.
document.addEventListener("focusin", (event) => {
  const field = event.target;
  if (!field.matches || !field.matches(":focus-visible")) return;
  requestAnimationFrame(() => {
    for (const bar of document.querySelectorAll("[data-sticky-bar]")) {
      if (bar.contains(field) || getComputedStyle(bar).position !== "sticky") continue;
      const box = field.getBoundingClientRect();
      const barBox = bar.getBoundingClientRect();
      if (box.bottom > barBox.top && box.top < barBox.bottom) {
        window.scrollBy(0, box.bottom - barBox.top + 8);
      }
    }
  });
});

// A field suggesting values as they are typed (the holders' organisation): its
// <datalist data-suggest-for="the field's id" data-suggest-url="…"> is filled with the names
// the server finds for what is typed, two characters at least. Without this file, the name
// or a part of it is typed and the server finds it all the same.
document.addEventListener("DOMContentLoaded", () => {
  for (const list of document.querySelectorAll("datalist[data-suggest-url]")) {
    const field = document.getElementById(list.dataset.suggestFor);
    if (!field) continue;
    let timer;
    let asked = "";
    field.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const text = field.value.trim();
        if (text.length < 2 || text === asked) return;
        asked = text;
        try {
          const url = `${list.dataset.suggestUrl}?q=${encodeURIComponent(text)}`;
          const response = await fetch(url, { headers: { Accept: "application/json" } });
          if (!response.ok) return;
          const names = await response.json();
          list.replaceChildren(
            ...names.map((name) => {
              const option = document.createElement("option");
              option.value = name;
              return option;
            }),
          );
        } catch {
          // No suggestion: the name typed still filters.
        }
      }, 200);
    });
  }
});
