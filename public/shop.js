// The demo shop's own script, as a customer's site would have it: the Edgedesk stub first (calls made before
// /widget.js has loaded are queued and run when it does), then the page's use of the JS API.
window.Edgedesk = window.Edgedesk || function () { (Edgedesk.q = Edgedesk.q || []).push(arguments); };

const EVENTS = ["ready", "open", "close", "message", "unread", "conversation", "resolved", "error"];
let cartCount = 0;
let cartValue = 0;

function logEvent(name, detail) {
  const list = document.getElementById("events");
  if (!list) return;
  const item = document.createElement("li");
  const summary = name === "message" ? `${detail.sender.name ?? detail.sender.kind}: ${detail.parts.map((p) => p.text ?? p.type).join(" ")}` : detail === undefined ? "" : JSON.stringify(detail);
  item.textContent = `${new Date().toLocaleTimeString()} ${name} ${summary}`;
  list.prepend(item);
  while (list.children.length > 30) list.lastChild.remove();
}

for (const name of EVENTS) Edgedesk("on", name, (detail) => logEvent(name, detail));

document.addEventListener("DOMContentLoaded", () => {
  for (const product of document.querySelectorAll("[data-product]")) {
    const { product: id, price, category } = product.dataset;
    product.querySelector("h2").addEventListener("click", () => Edgedesk("track", "product_view", { product_id: id, category, price: Number(price) }));
    product.querySelector("[data-add]").addEventListener("click", () => {
      cartCount += 1;
      cartValue += Number(price);
      document.getElementById("cart-count").textContent = String(cartCount);
      Edgedesk("track", "cart", { action: "add", product_id: id });
      Edgedesk("setAttributes", { cart_value: cartValue });
    });
  }
  document.querySelector("[data-track-help]").addEventListener("click", () => Edgedesk("track", "help_page", { url: location.href, topic: "returns" }));
  const actions = {
    open: () => Edgedesk.open(),
    close: () => Edgedesk.close(),
    toggle: () => Edgedesk.toggle(),
    "lang-en": () => Edgedesk.setLanguage("en"),
    "lang-zh": () => Edgedesk.setLanguage("zh"),
    attributes: () => Edgedesk.setAttributes({ plan: "gold", cart_value: cartValue }),
    checkout: () => Edgedesk("track", "checkout_error", { code: "card_declined", message: "Your card was declined" }),
  };
  for (const button of document.querySelectorAll("[data-api]")) button.addEventListener("click", () => actions[button.dataset.api]());
});
