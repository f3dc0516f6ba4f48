/**
 * Replies as Send API message objects. https://developers.facebook.com/docs/messenger-platform/reference/send-api
 */
import { textOf } from "./adapter";
import type { OutgoingPart } from "./adapter";

export function outgoing(part: OutgoingPart, files: boolean): Record<string, unknown> {
  switch (part.type) {
    case "text":
      return { text: part.text };
    case "quick_replies":
      return { text: part.text, quick_replies: part.options.map((q) => ({ content_type: "text", title: q.label.slice(0, 20), payload: q.value })) };
    case "image":
    case "audio":
    case "video":
      return { attachment: { type: part.type, payload: { url: part.url, is_reusable: false } } };
    case "file":
      return files ? { attachment: { type: "file", payload: { url: part.url, is_reusable: false } } } : { text: textOf([part]) };
    case "card": {
      const buttons = (part.buttons ?? []).slice(0, 3).map((b) =>
        b.url ? { type: "web_url", url: b.url, title: b.label } : { type: "postback", title: b.label, payload: b.value ?? b.label },
      );
      const element = { title: part.title.slice(0, 80), subtitle: part.subtitle?.slice(0, 80), image_url: part.image_url, ...(buttons.length ? { buttons } : {}) };
      return { attachment: { type: "template", payload: { template_type: "generic", elements: [element] } } };
    }
    // The Send API has no contact, form or product object a reply could use (product templates need the Page's
    // own catalogue ids): these go as their text.
    case "location":
    case "call_event":
    case "contact":
    case "choice":
    case "form":
    case "product":
    case "unsupported":
      return { text: textOf([part]).slice(0, 2000) };
  }
}
