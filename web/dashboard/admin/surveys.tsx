import { useEffect, useState } from "preact/hooks";
import { unwrap } from "../../../sdk/rest";
import type { AnalyticsSettings } from "../../../shared/analytics/settings";
import { api } from "../../lib/session";
import { parseWhole } from "./form-map";
import { FormActions, Notice, Page, Select, TextInput, useLoad, useSubmit } from "./ui";

type Survey = AnalyticsSettings["survey"];
const MODES: readonly (readonly [Survey["mode"], string])[] = [
  ["csat", "CSAT: “How satisfied were you?” (1–5)"],
  ["nps", "NPS: “How likely are you to recommend us?” (0–10)"],
  ["both", "Both: CSAT, then NPS once CSAT is answered"],
  ["none", "No survey"],
];
const ASK_ON: readonly (readonly [Survey["ask_on"], string])[] = [
  ["resolved", "When an agent or the bot resolves the conversation"],
  ["closed", "Only when the conversation is closed"],
];
const FIELDS = ["survey.mode", "survey.ask_on", "survey.valid_h"];

export function SurveysPage() {
  const settings = useLoad(() => unwrap(api.v1.analytics.settings.$get()), "read survey settings");
  const [mode, setMode] = useState<Survey["mode"]>("csat");
  const [askOn, setAskOn] = useState<Survey["ask_on"]>("resolved");
  const [validH, setValidH] = useState("72");
  const form = useSubmit(FIELDS, "change survey settings");
  useEffect(() => {
    if (!settings.data) return;
    setMode(settings.data.survey.mode);
    setAskOn(settings.data.survey.ask_on);
    setValidH(String(settings.data.survey.valid_h));
  }, [settings.data]);
  const submit = async (e: Event) => {
    e.preventDefault();
    const hours = parseWhole(validH, 1, 720);
    if (!hours.ok) return form.setErrors({ "survey.valid_h": hours.error });
    // The settings are replaced as a whole: everything but the survey goes back as it was read.
    const next = { ...settings.data!, survey: { mode, ask_on: askOn, valid_h: hours.value } };
    const saved = await form.run(() => unwrap(api.v1.analytics.settings.$put({ json: next })), "Survey settings saved");
    if (saved) settings.setData(saved);
  };
  return (
    <Page id="surveys" title="Surveys" intro="After a conversation, customers are asked to rate it. Answers feed CSAT and NPS in analytics and the bot's learning.">
      {settings.error && <Notice>{settings.error}</Notice>}
      {settings.data && (
        <form noValidate class="adm-card" onSubmit={submit} aria-label="Survey settings">
          <Select name="mode" label="Survey" value={mode} options={MODES} onChange={setMode} error={form.errors["survey.mode"]} />
          <Select name="ask_on" label="Ask" value={askOn} options={ASK_ON} onChange={setAskOn} error={form.errors["survey.ask_on"]} />
          <TextInput name="valid_h" label="Answers accepted for (hours)" type="number" min={1} max={720} value={validH} onInput={setValidH} error={form.errors["survey.valid_h"]} hint="How long after the question an answer still counts, in every channel and by link (1–720)." />
          <FormActions busy={form.busy} error={form.errors[""]} />
        </form>
      )}
    </Page>
  );
}
