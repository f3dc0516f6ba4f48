/**
 * Replies as Cloud API requests: one POST /{phone_number_id}/messages per part.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/send-messages
 */
import { ChannelError, textOf, trimSlash } from "./adapter";
import type { OutgoingPart, ProviderRequest } from "./adapter";
import { graphRequest } from "./meta";

type Target = { api_base: string; phone_number_id: string; access_token: string };

/** Titles are display text and may be shortened; an id is the answer itself and must come back whole. */
function optionId(value: string, max: number): string {
  if (value.length > max) throw new ChannelError(422, `WhatsApp option ids are limited to ${max} characters`);
  return value;
}

/** Up to 3 options fit reply buttons; up to 10 a list; more cannot be offered as a choice on WhatsApp. */
function interactive(part: Extract<OutgoingPart, { type: "quick_replies" }>): Record<string, unknown> {
  const body = { text: part.text.slice(0, 1024) };
  if (part.options.length <= 3) {
    const buttons = part.options.map((o) => ({ type: "reply", reply: { id: optionId(o.value, 256), title: o.label.slice(0, 20) } }));
    return { type: "button", body, action: { buttons } };
  }
  if (part.options.length > 10) throw new ChannelError(422, "WhatsApp lists hold at most 10 options");
  const rows = part.options.map((o) => ({ id: optionId(o.value, 200), title: o.label.slice(0, 24) }));
  return { type: "list", body, action: { button: "Options", sections: [{ rows }] } };
}

export function sendRequest(to: string, part: OutgoingPart, config: Target): ProviderRequest {
  const url = `${trimSlash(config.api_base)}/${config.phone_number_id}/messages`;
  const message = (type: string, body: unknown) =>
    graphRequest(url, config.access_token, { messaging_product: "whatsapp", recipient_type: "individual", to, type, [type]: body });
  const text = () => message("text", { body: textOf([part]).slice(0, 4096) });
  switch (part.type) {
    case "text":
      return message("text", { body: part.text });
    case "image":
      return message("image", { link: part.url, ...(part.caption ? { caption: part.caption } : {}) });
    case "file":
      return message("document", { link: part.url, ...(part.name ? { filename: part.name } : {}) });
    case "audio":
      return message("audio", { link: part.url });
    case "video":
      return message("video", { link: part.url });
    case "location":
      return message("location", { latitude: part.latitude, longitude: part.longitude, name: part.name, address: part.address });
    case "quick_replies":
      return message("interactive", interactive(part));
    case "contact":
      return message("contacts", [
        {
          name: { formatted_name: part.name },
          ...(part.phones ? { phones: part.phones.map((p) => ({ phone: p.number, ...(p.label ? { type: p.label } : {}) })) } : {}),
          ...(part.emails ? { emails: part.emails.map((e) => ({ email: e.address, ...(e.label ? { type: e.label } : {}) })) } : {}),
          ...(part.organization ? { org: { company: part.organization } } : {}),
        },
      ]);
    case "product":
      // A single-product message needs the catalogue; without one the product can only be named.
      if (!part.catalog_id) return text();
      return message("interactive", { type: "product", action: { catalog_id: part.catalog_id, product_retailer_id: part.product_id } });
    case "card":
    case "call_event":
    case "choice":
    case "form":
    case "unsupported":
      return text();
  }
}
