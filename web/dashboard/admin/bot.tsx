import { useEffect, useState } from "preact/hooks";
import { unwrap } from "../../../sdk/rest";
import { CHANNELS } from "../../../shared/message";
import type { BotConfig } from "../../../shared/bot/config";
import { api } from "../../lib/session";
import { collect, formatList, parseDecimal, parseList, parseWhole } from "./form-map";
import { KnowledgeBase } from "./kb";
import { Check, ConfirmButton, expectOk, FormActions, Notice, Page, problemText, TextArea, TextInput, toast, useLoad, useSubmit } from "./ui";

const FIELDS = ["enabled", "name", "channels", "queues", "min_kb_score", "negative_sentiment", "max_failures", "handoff_intents", "greeting.en", "greeting.zh", "learning.frozen", "learning.exploration", "learning.max_explore_rate"];
const pct = (x: number | null) => (x === null ? "—" : `${Math.round(x * 100)}%`);

function Stats() {
  const stats = useLoad(() => unwrap(api.v1.bot.stats.$get()), "read bot statistics");
  const reset = async () => {
    try {
      await expectOk(api.v1.bot.policy.reset.$post());
      toast("The bot's policy starts learning afresh");
      await stats.reload();
    } catch (err) {
      toast(problemText(err, "reset the bot's learning"), "error");
    }
  };
  if (stats.error) return <Notice>{stats.error}</Notice>;
  const s = stats.data;
  if (!s) return <p aria-busy="true">Loading statistics…</p>;
  const handoffs = Object.entries(s.handoffs);
  return (
    <section class="adm-card" aria-labelledby="bot-stats" data-testid="bot-stats">
      <h3 id="bot-stats">Results</h3>
      <dl class="adm-stats">
        <div>
          <dt>Conversations</dt>
          <dd>{s.conversations}</dd>
        </div>
        <div>
          <dt>Resolved by the bot</dt>
          <dd>{s.resolved_by_bot}</dd>
        </div>
        <div>
          <dt>Containment</dt>
          <dd data-testid="containment">{pct(s.containment_rate)}</dd>
        </div>
        <div>
          <dt>Answers / clarifications</dt>
          <dd>
            {s.answers} / {s.clarifications}
          </dd>
        </div>
        <div>
          <dt>Learning episodes</dt>
          <dd>
            {s.policy.episodes} (mean reward {s.policy.mean_reward.toFixed(2)}){s.policy.frozen ? ", frozen" : ""}
          </dd>
        </div>
      </dl>
      <p class="adm-sub">Handoffs: {handoffs.length ? handoffs.map(([why, n]) => `${why.replace(/_/g, " ")} ${n}`).join(" · ") : "none yet"}</p>
      <ConfirmButton label="Reset learning" question="Forget everything the bot's policy has learnt?" confirmLabel="Reset" testid="reset-policy" onConfirm={reset} />
    </section>
  );
}

function ConfigForm(props: { config: BotConfig; queues: { id: string; name: string }[]; onSaved: (c: BotConfig) => void }) {
  const c = props.config;
  const [enabled, setEnabled] = useState(c.enabled);
  const [name, setName] = useState(c.name);
  const [channels, setChannels] = useState<string[]>(c.channels);
  const [allQueues, setAllQueues] = useState(c.queues === null);
  const [queues, setQueues] = useState<string[]>(c.queues ?? []);
  const [minScore, setMinScore] = useState(String(c.min_kb_score));
  const [negative, setNegative] = useState(String(c.negative_sentiment));
  const [failures, setFailures] = useState(String(c.max_failures));
  const [intents, setIntents] = useState(formatList(c.handoff_intents));
  const [greetEn, setGreetEn] = useState(c.greeting.en ?? "");
  const [greetZh, setGreetZh] = useState(c.greeting.zh ?? "");
  const [frozen, setFrozen] = useState(c.learning.frozen);
  const [exploration, setExploration] = useState(String(c.learning.exploration));
  const [exploreRate, setExploreRate] = useState(String(c.learning.max_explore_rate));
  const form = useSubmit(FIELDS, "change the bot");
  const toggle = (list: string[], set: (v: string[]) => void, v: string, on: boolean) => set(on ? [...list, v] : list.filter((x) => x !== v));
  const submit = async (e: Event) => {
    e.preventDefault();
    const parsed = collect({
      min_kb_score: parseDecimal(minScore, 0, 1),
      negative_sentiment: parseDecimal(negative, -1, 0),
      max_failures: parseWhole(failures, 1, 5),
      "learning.exploration": parseDecimal(exploration, 0, 5),
      "learning.max_explore_rate": parseDecimal(exploreRate, 0, 1),
    });
    if (!parsed.value) return form.setErrors(parsed.errors);
    const v = parsed.value;
    const patch = {
      enabled,
      name: name.trim(),
      channels: channels as BotConfig["channels"],
      queues: allQueues ? null : queues,
      min_kb_score: v.min_kb_score,
      negative_sentiment: v.negative_sentiment,
      max_failures: v.max_failures,
      handoff_intents: parseList(intents),
      greeting: { ...(greetEn.trim() ? { en: greetEn.trim() } : {}), ...(greetZh.trim() ? { zh: greetZh.trim() } : {}) },
      learning: { frozen, exploration: v["learning.exploration"], max_explore_rate: v["learning.max_explore_rate"] },
    };
    const saved = await form.run(() => unwrap(api.v1.bot.config.$patch({ json: patch })), "Bot settings saved");
    if (saved) props.onSaved(saved);
  };
  return (
    <form noValidate class="adm-card" onSubmit={submit} aria-labelledby="bot-config">
      <h3 id="bot-config">Settings</h3>
      <Check name="enabled" label="The bot answers first on the channels below" checked={enabled} onChange={setEnabled} error={form.errors.enabled} />
      <TextInput name="name" label="Bot name" value={name} onInput={setName} error={form.errors.name} required maxLength={80} hint="Shown to customers as the sender of the bot's messages." />
      <fieldset class={`adm-fieldset${form.errors.channels ? " adm-field-invalid" : ""}`} data-testid="field-channels">
        <legend>Channels</legend>
        <div class="adm-inline-checks">
          {CHANNELS.map((ch) => (
            <Check key={ch} name={`channels-${ch}`} label={ch} checked={channels.includes(ch)} onChange={(on) => toggle(channels, setChannels, ch, on)} />
          ))}
        </div>
        {form.errors.channels && <small class="adm-error">{form.errors.channels}</small>}
      </fieldset>
      <fieldset class={`adm-fieldset${form.errors.queues ? " adm-field-invalid" : ""}`} data-testid="field-queues">
        <legend>Queues</legend>
        <Check name="queues-all" label="Every queue" checked={allQueues} onChange={setAllQueues} />
        {!allQueues && (
          <div class="adm-inline-checks">
            {props.queues.map((q) => (
              <Check key={q.id} name={`queues-${q.id}`} label={q.name} checked={queues.includes(q.id)} onChange={(on) => toggle(queues, setQueues, q.id, on)} />
            ))}
          </div>
        )}
        {form.errors.queues && <small class="adm-error">{form.errors.queues}</small>}
      </fieldset>
      <div class="adm-grid">
        <TextInput name="min_kb_score" label="Minimum answer score (0–1)" type="number" step="any" value={minScore} onInput={setMinScore} error={form.errors.min_kb_score} hint="Knowledge-base hits below it are not used as answers." />
        <TextInput name="negative_sentiment" label="Hand off at sentiment (−1–0)" type="number" step="any" value={negative} onInput={setNegative} error={form.errors.negative_sentiment} />
        <TextInput name="max_failures" label="Failed answers before handoff (1–5)" type="number" value={failures} onInput={setFailures} error={form.errors.max_failures} />
      </div>
      <TextInput name="handoff_intents" label="Intents that always go to a person" value={intents} onInput={setIntents} error={form.errors.handoff_intents} hint="Comma-separated intent ids, e.g. talk_to_human, complaint." />
      <TextArea name="greeting.en" label="Greeting (English)" value={greetEn} onInput={setGreetEn} error={form.errors["greeting.en"]} rows={2} />
      <TextArea name="greeting.zh" label="Greeting (Chinese, 中文)" value={greetZh} onInput={setGreetZh} error={form.errors["greeting.zh"]} rows={2} />
      <fieldset class="adm-fieldset">
        <legend>Learning</legend>
        <Check name="learning.frozen" label="Frozen: act on what was learnt, learn no more" checked={frozen} onChange={setFrozen} error={form.errors["learning.frozen"]} />
        <div class="adm-grid">
          <TextInput name="learning.exploration" label="Exploration (0–5)" type="number" step="any" value={exploration} onInput={setExploration} error={form.errors["learning.exploration"]} />
          <TextInput name="learning.max_explore_rate" label="Most exploring turns (0–1)" type="number" step="any" value={exploreRate} onInput={setExploreRate} error={form.errors["learning.max_explore_rate"]} />
        </div>
      </fieldset>
      <FormActions busy={form.busy} error={form.errors[""]} />
    </form>
  );
}

export function BotPage() {
  const config = useLoad(() => unwrap(api.v1.bot.config.$get()), "read the bot's settings");
  const [queues, setQueues] = useState<{ id: string; name: string }[]>([]);
  useEffect(() => {
    unwrap(api.v1.routing.config.$get())
      .then((r) => setQueues(r.queues.map((q) => ({ id: q.id, name: q.name }))))
      .catch(() => setQueues([]));
  }, []);
  return (
    <Page id="bot" title="Bot and knowledge base" intro="The bot answers first from your knowledge base and hands over to a person when it cannot help.">
      {config.error && <Notice>{config.error}</Notice>}
      <div class="adm-split">
        {config.data && <ConfigForm key={JSON.stringify(config.data)} config={config.data} queues={queues} onSaved={config.setData} />}
        <Stats />
      </div>
      <KnowledgeBase />
    </Page>
  );
}
