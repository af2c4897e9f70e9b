// Progressive enhancement only: every page works without this file.
import { initAll } from "./build/govuk-frontend.min.js";

document.body.classList.add("js-enabled");
if ("noModule" in HTMLScriptElement.prototype) {
  document.body.classList.add("govuk-frontend-supported");
  initAll();
}

// Reviewing a theme's answers (themes/review.html): single keys for the usual decisions.
// K keeps the answer in the theme, N marks it not relevant (both save at once), M opens
// the list of other themes, S skips to the next answer. Keys typed into a field are left alone.
const review = document.querySelector("form[data-review-keys]");
if (review) {
  const help = document.getElementById("review-keys");
  if (help) help.hidden = false;
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest("input[type=text], select, textarea")) return;
    const choose = (id) => {
      const radio = document.getElementById(id);
      if (radio) radio.checked = true;
      return radio;
    };
    const key = event.key.toLowerCase();
    if (key === "k" && choose("decision")) {
      event.preventDefault();
      review.requestSubmit();
    } else if (key === "n" && choose("decision-not-relevant")) {
      event.preventDefault();
      review.requestSubmit();
    } else if (key === "m" && choose("decision-move")) {
      event.preventDefault();
      choose("decision-move").dispatchEvent(new Event("click", { bubbles: true }));
      document.getElementById("target")?.focus();
    } else if (key === "s") {
      const skip = document.getElementById("skip");
      if (skip) {
        event.preventDefault();
        skip.click();
      }
    }
  });
}
