/**
 * Desktop notifications and a flashing tab title, for offers and customer messages the agent is not looking at.
 * Permission can only be asked on a user gesture, so the console asks from a click, never on load.
 */
export function canAskNotifications(): boolean {
  return typeof Notification !== "undefined" && Notification.permission === "default";
}

export function askNotifications(): void {
  if (canAskNotifications()) void Notification.requestPermission();
}

export function notify(title: string, body: string, tag: string, onClick: () => void): void {
  if (typeof Notification === "undefined" || Notification.permission !== "granted") return;
  const n = new Notification(title, { body, tag, icon: "/favicon.svg" });
  n.onclick = () => {
    window.focus();
    onClick();
    n.close();
  };
}

let flashing: { timer: number; base: string } | null = null;

/** Alternates the tab title with `text` until the window has focus again. */
export function flashTitle(text: string): void {
  if (document.hasFocus() && document.visibilityState === "visible") return;
  stopFlash();
  const base = document.title;
  let on = false;
  flashing = { base, timer: window.setInterval(() => (document.title = (on = !on) ? text : base), 1000) };
  document.title = text;
}

function stopFlash(): void {
  if (!flashing) return;
  window.clearInterval(flashing.timer);
  document.title = flashing.base;
  flashing = null;
}

window.addEventListener("focus", stopFlash);
document.addEventListener("visibilitychange", () => document.visibilityState === "visible" && stopFlash());

/** Whether the agent is looking at the console right now. */
export function attending(): boolean {
  return document.visibilityState === "visible" && document.hasFocus();
}
