import { z } from "zod";

/**
 * What a tenant sets for its embedded widget. Public: served unauthenticated to every page that embeds the
 * widget, so nothing secret belongs here. Stored in tenants.widget; every field has a default so a tenant
 * that never configured the widget still gets a working one.
 */
const Localized = z.object({ en: z.string().max(280).optional(), zh: z.string().max(280).optional() });

export const PrechatField = z.object({
  name: z.enum(["name", "email", "phone"]),
  required: z.boolean().default(false),
});

export const WidgetConfig = z.object({
  /** Brand colour of the launcher, header and visitor bubbles: a #rrggbb hex so it can be put in CSS safely. */
  color: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, "a #rrggbb colour")
    .default("#2563eb"),
  /** Shown in the header; the tenant's name when absent. */
  title: z.string().min(1).max(60).optional(),
  /** https URL of the team's avatar in the header. */
  avatar_url: z.url({ protocol: /^https?$/ }).max(2048).optional(),
  greeting: Localized.default({}),
  prechat: z
    .object({
      enabled: z.boolean().default(false),
      fields: z.array(PrechatField).max(3).default([{ name: "name", required: true }, { name: "email", required: false }]),
    })
    .default({ enabled: false, fields: [{ name: "name", required: true }, { name: "email", required: false }] }),
  /** `auto` follows the visitor's browser; the page can still override it with `data-lang`. */
  language: z.enum(["auto", "en", "zh"]).default("auto"),
  position: z.enum(["right", "left"]).default("right"),
});
export type WidgetConfig = z.infer<typeof WidgetConfig>;
export type WidgetConfigInput = z.input<typeof WidgetConfig>;

/** The stored value (possibly null or from an older shape) read as a complete config. */
export function widgetConfig(stored: unknown): WidgetConfig {
  const parsed = WidgetConfig.safeParse(stored ?? {});
  return parsed.success ? parsed.data : WidgetConfig.parse({});
}

const field = WidgetConfig.shape;
const prechat = field.prechat.removeDefault().shape;

/**
 * A change to the stored config: only the fields sent, without defaults (a default here would overwrite what the
 * tenant set before). `greeting` and `prechat` merge field by field; `prechat.fields` is replaced as a whole.
 */
export const WidgetConfigPatch = z.object({
  color: field.color.removeDefault().optional(),
  title: field.title,
  avatar_url: field.avatar_url,
  greeting: field.greeting.removeDefault().optional(),
  prechat: z.object({ enabled: prechat.enabled.removeDefault().optional(), fields: prechat.fields.removeDefault().optional() }).optional(),
  language: field.language.removeDefault().optional(),
  position: field.position.removeDefault().optional(),
} satisfies Record<keyof WidgetConfig, z.ZodType>);
export type WidgetConfigPatch = z.infer<typeof WidgetConfigPatch>;

export function mergeWidgetConfig(stored: WidgetConfig, patch: WidgetConfigPatch): WidgetConfig {
  const { greeting, prechat: prechatPatch, ...rest } = patch;
  return WidgetConfig.parse({
    ...stored,
    ...rest,
    greeting: { ...stored.greeting, ...greeting },
    prechat: { ...stored.prechat, ...prechatPatch },
  });
}
