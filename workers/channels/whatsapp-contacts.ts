/**
 * Contact cards a customer shares (`type: "contacts"`): the name, phones, e-mails and organisation become a contact
 * part; what the part has no field for (addresses, links, birthday) is kept beside it in metadata.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/contacts
 */
import { z } from "zod";
import type { ContentPart } from "../../shared/message";
import { clip } from "./adapter";

export const SharedContact = z.object({
  name: z.object({ formatted_name: z.string().optional(), first_name: z.string().optional(), last_name: z.string().optional() }).optional(),
  org: z.object({ company: z.string().optional(), department: z.string().optional(), title: z.string().optional() }).optional(),
  phones: z.array(z.object({ phone: z.string().optional(), wa_id: z.string().optional(), type: z.string().optional() })).optional(),
  emails: z.array(z.object({ email: z.string().optional(), type: z.string().optional() })).optional(),
  addresses: z.array(z.record(z.string(), z.string())).optional(),
  urls: z.array(z.object({ url: z.string().optional(), type: z.string().optional() })).optional(),
  birthday: z.string().optional(),
});
export type SharedContact = z.infer<typeof SharedContact>;

export function contactPart(c: SharedContact): ContentPart | null {
  const phones = (c.phones ?? [])
    .flatMap((p) => {
      const number = clip(p.phone ?? p.wa_id, 64);
      return number ? [{ number, ...(p.type ? { label: p.type.slice(0, 50) } : {}) }] : [];
    })
    .slice(0, 20);
  const emails = (c.emails ?? [])
    .flatMap((e) => {
      const address = clip(e.email, 320);
      return address ? [{ address, ...(e.type ? { label: e.type.slice(0, 50) } : {}) }] : [];
    })
    .slice(0, 20);
  const personal = [c.name?.first_name, c.name?.last_name].filter(Boolean).join(" ");
  const name = clip(c.name?.formatted_name || personal || c.org?.company || phones[0]?.number || emails[0]?.address, 255);
  if (!name) return null;
  const organization = clip([c.org?.company, c.org?.department, c.org?.title].filter(Boolean).join(", "), 255);
  const userId = clip(c.phones?.find((p) => p.wa_id)?.wa_id, 255);
  return {
    type: "contact",
    name,
    ...(phones.length ? { phones } : {}),
    ...(emails.length ? { emails } : {}),
    ...(organization ? { organization } : {}),
    ...(userId ? { user_id: userId } : {}),
  };
}

/** What a contact card holds beyond the part's fields (addresses, links, birthday): kept, not shown. */
export function contactDetails(c: SharedContact): Record<string, unknown> | null {
  const details: Record<string, unknown> = {};
  if (c.addresses?.length) details.addresses = c.addresses.slice(0, 5);
  const urls = (c.urls ?? []).map((u) => u.url).filter((u): u is string => !!u).slice(0, 5);
  if (urls.length) details.urls = urls;
  if (c.birthday) details.birthday = c.birthday;
  return Object.keys(details).length ? details : null;
}
