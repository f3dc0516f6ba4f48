import { useEffect, useState } from "preact/hooks";
import { unwrap } from "../../../sdk/rest";
import { isOpen, nextClosing, nextOpening } from "../../../shared/routing/calendar";
import type { RoutingConfig } from "../../../shared/routing-config";
import type { Calendar } from "../../../shared/routing/schemas";
import { api } from "../../lib/session";
import { formatHours, parseDates, parseHours } from "./form-map";
import { slugId } from "./routing-drafts";
import { Empty, FormActions, Notice, Page, Select, TextArea, TextInput, useLoad, useSubmit } from "./ui";

type Draft = { isNew: boolean; id: string; name: string; timezone: string; hours: string; holidays: string };
const ZONES: readonly string[] = Intl.supportedValuesOf("timeZone");
const draftOf = (k: Calendar): Draft => ({ isNew: false, id: k.id, name: k.name ?? "", timezone: k.timezone, hours: formatHours(k.hours), holidays: k.holidays.join("\n") });

/** "Open now, closes Fri 17:00" in the calendar's own zone, from the same code the desk routes with. */
function status(k: Calendar, now: number): string {
  const fmt = (ms: number) => new Date(ms).toLocaleString(undefined, { timeZone: k.timezone, weekday: "short", hour: "2-digit", minute: "2-digit" });
  if (isOpen(k, now)) {
    const close = nextClosing(k, now);
    return close ? `Open now, closes ${fmt(close)}` : "Open now";
  }
  const open = nextOpening(k, now);
  return open ? `Closed now, opens ${fmt(open)}` : "Closed: no opening hours in the next year";
}

function calendarsFrom(drafts: Draft[]): { value: Calendar[] | null; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const value = drafts.map((d, i): Calendar => {
    const at = `calendars.${i}`;
    const hours = parseHours(d.hours);
    if (!hours.ok) errors[`${at}.hours`] = hours.error;
    const holidays = parseDates(d.holidays);
    if (!holidays.ok) errors[`${at}.holidays`] = holidays.error;
    if (!ZONES.includes(d.timezone) && d.timezone !== "UTC") errors[`${at}.timezone`] = "choose a time zone from the list";
    return { id: d.id, ...(d.name.trim() ? { name: d.name.trim() } : {}), timezone: d.timezone, hours: hours.ok ? hours.value : [], holidays: holidays.ok ? holidays.value : [] };
  });
  return Object.keys(errors).length ? { value: null, errors } : { value, errors };
}

export function HoursPage() {
  const config = useLoad(() => unwrap(api.v1.routing.config.$get()), "change business hours");
  const [drafts, setDrafts] = useState<Draft[]>([]);
  const [queueCal, setQueueCal] = useState<Record<string, string>>({});
  const fields = [...drafts.flatMap((_, i) => ["name", "timezone", "hours", "holidays"].map((k) => `calendars.${i}.${k}`)), ...(config.data?.queues ?? []).map((_, i) => `queues.${i}.calendar_id`)];
  const form = useSubmit(fields, "change business hours");
  useEffect(() => {
    if (!config.data) return;
    setDrafts(config.data.calendars.map(draftOf));
    setQueueCal(Object.fromEntries(config.data.queues.map((q) => [q.id, q.calendar_id ?? ""])));
  }, [config.data]);
  const c = config.data;
  const set = (i: number, patch: Partial<Draft>) => setDrafts(drafts.map((d, k) => (k === i ? { ...d, ...patch } : d)));
  const inUse = (id: string) => [...(c?.queues ?? []).filter((q) => queueCal[q.id] === id).map((q) => `queue ${q.name}`), ...(c?.rules ?? []).filter((r) => r.when.some((w) => w.calendar_id === id)).map((r) => `rule ${r.name ?? r.id}`)];
  const submit = async (e: Event) => {
    e.preventDefault();
    const built = calendarsFrom(drafts);
    if (!built.value) return form.setErrors(built.errors);
    const next: RoutingConfig = { ...c!, calendars: built.value, queues: c!.queues.map(({ calendar_id: _old, ...q }) => ({ ...q, ...(queueCal[q.id] ? { calendar_id: queueCal[q.id] } : {}) })) };
    const saved = await form.run(() => unwrap(api.v1.routing.config.$put({ json: next })), "Business hours saved");
    if (saved) config.setData(saved as RoutingConfig);
  };
  const now = Date.now();
  return (
    <Page id="hours" title="Business hours" intro="Opening hours in a calendar's own time zone, with holidays. Queues use them to route and to answer outside hours; agents' schedules use them for shifts.">
      {config.error && <Notice>{config.error}</Notice>}
      {c && (
        <form noValidate onSubmit={submit} aria-label="Business hours">
          <datalist id="adm-zones">
            {ZONES.map((z) => (
              <option key={z} value={z} />
            ))}
          </datalist>
          {drafts.length === 0 && <Empty>No calendars yet: every queue is always open.</Empty>}
          {drafts.map((d, i) => {
            const at = `calendars.${i}`;
            const saved = c.calendars.find((k) => k.id === d.id);
            const users = inUse(d.id);
            return (
              <fieldset key={d.id} class="adm-card adm-fieldset" data-testid="calendar-row">
                <legend>{d.name || d.id}</legend>
                {saved && !d.isNew && (
                  <p class="adm-sub" data-testid="calendar-status">
                    {status(saved, now)}
                  </p>
                )}
                <div class="adm-grid">
                  <TextInput name={`${at}.name`} label="Name" value={d.name} onInput={(name) => set(i, { name })} error={form.errors[`${at}.name`]} maxLength={200} />
                  <TextInput name={`${at}.timezone`} label="Time zone" list="adm-zones" value={d.timezone} onInput={(timezone) => set(i, { timezone })} error={form.errors[`${at}.timezone`]} hint="IANA name, e.g. Asia/Shanghai; type to search." />
                </div>
                <TextArea name={`${at}.hours`} label="Opening hours" value={d.hours} onInput={(hours) => set(i, { hours })} error={form.errors[`${at}.hours`]} rows={4} hint="One line each: days then times, e.g. mon-fri 09:00-17:00 and sat 10:00-14:00. Write an overnight shift as two lines." />
                <TextArea name={`${at}.holidays`} label="Holidays (closed all day)" value={d.holidays} onInput={(holidays) => set(i, { holidays })} error={form.errors[`${at}.holidays`]} rows={3} hint="One date per line, YYYY-MM-DD." />
                {users.length ? (
                  <p class="adm-sub">Used by {users.join(", ")}.</p>
                ) : (
                  <button type="button" class="adm-danger-outline" data-testid="remove-calendar" onClick={() => setDrafts(drafts.filter((_, k) => k !== i))}>
                    Remove calendar
                  </button>
                )}
              </fieldset>
            );
          })}
          <button
            type="button"
            data-testid="add-calendar"
            onClick={() =>
              setDrafts([...drafts, { isNew: true, id: slugId(`hours ${drafts.length + 1}`, new Set(drafts.map((d) => d.id))), name: "", timezone: Intl.DateTimeFormat().resolvedOptions().timeZone, hours: "mon-fri 09:00-17:00", holidays: "" }])
            }
          >
            Add calendar
          </button>
          {c.queues.length > 0 && (
            <section class="adm-card" aria-labelledby="qh-h">
              <h3 id="qh-h">Hours per queue</h3>
              <div class="adm-grid">
                {c.queues.map((q, i) => (
                  <Select
                    key={q.id}
                    name={`queues.${i}.calendar_id`}
                    label={q.name}
                    value={queueCal[q.id] ?? ""}
                    options={[["", "Always open"], ...drafts.map((d) => [d.id, d.name || d.id] as const)]}
                    onChange={(v) => setQueueCal({ ...queueCal, [q.id]: v })}
                    error={form.errors[`queues.${i}.calendar_id`]}
                  />
                ))}
              </div>
            </section>
          )}
          <FormActions busy={form.busy} error={form.errors[""]} />
        </form>
      )}
    </Page>
  );
}
