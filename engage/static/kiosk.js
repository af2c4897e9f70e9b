// Kiosk idle timer: warn "Are you still there?", then clear the tablet for the next person.
// Without JavaScript a <noscript> meta refresh does the reset instead (see layout.html).
const body = document.body;
const idleSeconds = Number(body.dataset.kioskIdle || 0);
const timeoutUrl = body.dataset.kioskTimeout;

if (idleSeconds > 0 && timeoutUrl) {
  // At least 20 seconds to answer the warning, and never more than half the idle time.
  const warnSeconds = Math.max(20, Math.min(30, Math.floor(idleSeconds / 2)));
  let idleTimer = 0;
  let countdownTimer = 0;
  let remaining = warnSeconds;

  const dialog = document.createElement("div");
  dialog.className = "engage-kiosk-warning";
  dialog.setAttribute("role", "alertdialog");
  dialog.setAttribute("aria-modal", "true");
  dialog.setAttribute("aria-labelledby", "kiosk-warning-title");
  dialog.setAttribute("aria-describedby", "kiosk-warning-text");
  dialog.hidden = true;
  dialog.innerHTML =
    '<div class="engage-kiosk-warning__box">' +
    '<h2 class="govuk-heading-l" id="kiosk-warning-title">Are you still there?</h2>' +
    '<p class="govuk-body-l" id="kiosk-warning-text">This tablet will clear your answers and start again in ' +
    '<strong id="kiosk-countdown"></strong> seconds.</p>' +
    '<button type="button" class="govuk-button engage-kiosk-button" data-module="govuk-button" id="kiosk-continue">Yes, I am still here</button>' +
    "</div>";
  body.appendChild(dialog);
  const countdown = dialog.querySelector("#kiosk-countdown");
  const keepGoing = dialog.querySelector("#kiosk-continue");

  const reset = () => {
    window.location.replace(timeoutUrl);
  };

  const tick = () => {
    remaining -= 1;
    countdown.textContent = String(remaining);
    if (remaining <= 0) {
      reset();
    } else {
      countdownTimer = window.setTimeout(tick, 1000);
    }
  };

  const warn = () => {
    remaining = warnSeconds;
    countdown.textContent = String(remaining);
    dialog.hidden = false;
    keepGoing.focus();
    countdownTimer = window.setTimeout(tick, 1000);
  };

  const restart = () => {
    window.clearTimeout(idleTimer);
    if (!dialog.hidden) {
      return; // only the button dismisses the warning, so a stray touch does not hide it
    }
    idleTimer = window.setTimeout(warn, (idleSeconds - warnSeconds) * 1000);
  };

  keepGoing.addEventListener("click", () => {
    window.clearTimeout(countdownTimer);
    dialog.hidden = true;
    restart();
  });
  for (const type of ["pointerdown", "keydown", "input", "scroll", "touchstart"]) {
    window.addEventListener(type, restart, { passive: true, capture: true });
  }
  restart();
}
