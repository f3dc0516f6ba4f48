/**
 * A channel a tenant defines at run time (R1.3): how to check the provider's signature, where the fields
 * of its webhook live (RFC 6901 pointers), and how to render a reply request. Data only, no code.
 */
import { z } from "zod";
import { isPointer } from "./json-pointer";
import { isWebhookSecret } from "./standard-webhooks";

const pointer = z.string().max(500).refine(isPointer, "must be an RFC 6901 JSON pointer");

/** URL and header templates may use {thread_id}, {message_id} and {config.<key>}; nothing else. */
const PLACEHOLDER = /\{([^{}]*)\}/g;
const ALLOWED_PLACEHOLDER = /^(thread_id|message_id|config\.[A-Za-z0-9_-]{1,64})$/;
const template = z
  .string()
  .max(2048)
  .refine((s) => [...s.matchAll(PLACEHOLDER)].every((m) => ALLOWED_PLACEHOLDER.test(m[1] ?? "")), {
    message: "placeholders are {thread_id}, {message_id} or {config.<key>}",
  });

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
/** Named, so the OpenAPI generator emits the recursion as a $ref instead of expanding it forever. */
const JsonValue: z.ZodType<JsonValue> = z
  .lazy(() => z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(JsonValue), z.record(z.string(), JsonValue)]))
  .meta({ id: "JsonValue" });

export const SIGNATURE_SCHEMES = ["hmac-sha256-hex", "hmac-sha256-base64", "standard-webhooks", "shared-token"] as const;

/**
 * Where a provider's webhook keeps the fields of a message. Used by declarative channels and by the API
 * channel for senders that have their own event shape (a Standard Webhooks sender's `{type, data}` events).
 */
export const InboundMap = z.object({
  /** Pointer to an array of items; absent means the body itself is the one item. */
  items: pointer.optional(),
  /** Only items whose value here is one of `equals` are messages; others (other event types) are acknowledged and ignored. */
  when: z.object({ pointer, equals: z.array(z.string().max(200)).min(1).max(20) }).optional(),
  thread_id: pointer,
  message_id: pointer,
  text: pointer.optional(),
  image_url: pointer.optional(),
  file_url: pointer.optional(),
  contact_id: pointer,
  contact_name: pointer.optional(),
  contact_email: pointer.optional(),
  contact_phone: pointer.optional(),
  /** The provider's send time: epoch seconds or milliseconds, or an ISO 8601 string. */
  sent_at: pointer.optional(),
});
export type InboundMap = z.infer<typeof InboundMap>;

export const DeclarativeChannelSpec = z.object({
  slug: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/),
  signature: z
    .object({
      scheme: z.enum(SIGNATURE_SCHEMES),
      /** The header carrying the signature or token; standard-webhooks always uses webhook-id/-timestamp/-signature. */
      header: z
        .string()
        .regex(/^[A-Za-z0-9-]{1,100}$/)
        .optional(),
      /** Text before the signature in the header value, e.g. "sha256=" or "Bearer ". */
      prefix: z.string().max(50).optional(),
      secret: z.string().min(1).max(1000),
    })
    .refine((s) => s.scheme === "standard-webhooks" || s.header !== undefined, { message: "header is required for this scheme", path: ["header"] })
    .refine((s) => s.scheme !== "standard-webhooks" || isWebhookSecret(s.secret), {
      message: "standard-webhooks secrets are whsec_<base64>",
      path: ["secret"],
    }),
  inbound: InboundMap,
  outbound: z.object({
    url: template.refine((u) => /^https?:\/\//.test(u), "url must start with http:// or https://"),
    method: z.enum(["POST", "PUT"]).default("POST"),
    headers: z.record(z.string().regex(/^[A-Za-z0-9-]{1,100}$/), template).default({}),
    /** JSON sent as the body; string values exactly "{{text}}", "{{thread_id}}" or "{{message_id}}" are replaced. */
    body: JsonValue,
  }),
  /** Pointer into the provider's JSON answer to a send, giving its message id. */
  response_id: pointer.optional(),
});
export type DeclarativeChannelSpec = z.infer<typeof DeclarativeChannelSpec>;
