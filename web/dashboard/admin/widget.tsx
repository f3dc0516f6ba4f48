import { useEffect, useState } from "preact/hooks";
import { unwrap } from "../../../sdk/rest";
import type { WidgetConfig } from "../../../shared/widget-config";
import { api, type Session } from "../../lib/session";
import { embedSnippet } from "./form-map";
import { Check, CopyValue, FormActions, Notice, Page, Select, TextArea, TextInput, useLoad, useSubmit } from "./ui";

type Prechat = WidgetConfig["prechat"]["fields"][number];
const PRECHAT_FIELDS: readonly Prechat["name"][] = ["name", "email", "phone"];
const FIELD_LABEL: Record<Prechat["name"], string> = { name: "Name", email: "E-mail", phone: "Phone" };
const FIELDS = ["color", "title", "avatar_url", "greeting.en", "greeting.zh", "prechat", "language", "position"];

/** A miniature of the widget in the chosen colour and corner, so the choice is seen before it goes live. */
function Preview(props: { color: string; title: string; greeting: string; position: WidgetConfig["position"]; avatar: string }) {
  const color = /^#[0-9a-fA-F]{6}$/.test(props.color) ? props.color : "#2563eb";
  return (
    <figure class={`adm-preview adm-preview-${props.position}`} data-testid="widget-preview" aria-label="Preview of the chat widget">
      <div class="adm-preview-panel">
        <div class="adm-preview-header" style={{ background: color }}>
          {props.avatar && /^https?:\/\//.test(props.avatar) && <img src={props.avatar} alt="" width={24} height={24} />}
          <span>{props.title}</span>
        </div>
        <div class="adm-preview-body">
          <p class="adm-preview-bubble">{props.greeting || "Hi! How can we help?"}</p>
          <p class="adm-preview-bubble adm-preview-mine" style={{ background: color }}>
            Where is my order?
          </p>
        </div>
      </div>
      <div class="adm-preview-launcher" style={{ background: color }} data-testid="widget-swatch" aria-hidden="true">
        💬
      </div>
      <figcaption>Preview</figcaption>
    </figure>
  );
}

export function WidgetPage(props: { session: Session }) {
  const tenant = useLoad(() => unwrap(api.v1.tenant.$get()), "change the widget");
  const [color, setColor] = useState("#2563eb");
  const [title, setTitle] = useState("");
  const [avatar, setAvatar] = useState("");
  const [greetEn, setGreetEn] = useState("");
  const [greetZh, setGreetZh] = useState("");
  const [prechatOn, setPrechatOn] = useState(false);
  const [prechat, setPrechat] = useState<Prechat[]>([]);
  const [language, setLanguage] = useState<WidgetConfig["language"]>("auto");
  const [position, setPosition] = useState<WidgetConfig["position"]>("right");
  const form = useSubmit(FIELDS, "change the widget");
  useEffect(() => {
    const w = tenant.data?.widget;
    if (!w) return;
    setColor(w.color);
    setTitle(w.title ?? "");
    setAvatar(w.avatar_url ?? "");
    setGreetEn(w.greeting.en ?? "");
    setGreetZh(w.greeting.zh ?? "");
    setPrechatOn(w.prechat.enabled);
    setPrechat(w.prechat.fields);
    setLanguage(w.language);
    setPosition(w.position);
  }, [tenant.data]);
  const setField = (name: Prechat["name"], state: "off" | "optional" | "required") => {
    const rest = prechat.filter((f) => f.name !== name);
    setPrechat(state === "off" ? rest : PRECHAT_FIELDS.flatMap((n) => (n === name ? [{ name, required: state === "required" }] : rest.filter((f) => f.name === n))));
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    const widget = {
      color,
      ...(title.trim() ? { title: title.trim() } : {}),
      ...(avatar.trim() ? { avatar_url: avatar.trim() } : {}),
      greeting: { ...(greetEn.trim() ? { en: greetEn.trim() } : {}), ...(greetZh.trim() ? { zh: greetZh.trim() } : {}) },
      prechat: { enabled: prechatOn, fields: prechat },
      language,
      position,
    };
    const saved = await form.run(() => unwrap(api.v1.tenant.$patch({ json: { widget } })), "Widget saved: visitors see it on their next page load");
    if (saved) await tenant.reload();
  };
  const shownTitle = title.trim() || tenant.data?.name || props.session.tenant.name;
  return (
    <Page id="widget" title="Chat widget" intro="How the chat looks on your website. Changes apply to every page that embeds the widget.">
      {tenant.error && <Notice>{tenant.error}</Notice>}
      {tenant.data && (
        <div class="adm-split">
          <form noValidate class="adm-card" onSubmit={submit} aria-label="Widget branding">
            <div class="adm-grid">
              <TextInput name="color" label="Brand colour" type="color" value={color} onInput={setColor} error={form.errors.color} />
              <TextInput name="title" label="Title" value={title} onInput={setTitle} error={form.errors.title} maxLength={60} placeholder={tenant.data.name} hint="Shown in the header; your workspace name when empty." />
            </div>
            <TextInput name="avatar_url" label="Avatar image URL" type="url" value={avatar} onInput={setAvatar} error={form.errors.avatar_url} placeholder="https://…/team.png" />
            <TextArea name="greeting.en" label="Greeting (English)" value={greetEn} onInput={setGreetEn} error={form.errors["greeting.en"]} rows={2} />
            <TextArea name="greeting.zh" label="Greeting (Chinese, 中文)" value={greetZh} onInput={setGreetZh} error={form.errors["greeting.zh"]} rows={2} />
            <fieldset class={`adm-fieldset${form.errors.prechat ? " adm-field-invalid" : ""}`}>
              <legend>Pre-chat form</legend>
              <Check name="prechat.enabled" label="Ask visitors for details before the chat starts" checked={prechatOn} onChange={setPrechatOn} />
              {prechatOn &&
                PRECHAT_FIELDS.map((n) => {
                  const f = prechat.find((x) => x.name === n);
                  return (
                    <Select
                      key={n}
                      name={`prechat.${n}`}
                      label={FIELD_LABEL[n]}
                      value={f ? (f.required ? "required" : "optional") : "off"}
                      options={[["off", "Not asked"], ["optional", "Optional"], ["required", "Required"]] as const}
                      onChange={(v) => setField(n, v)}
                    />
                  );
                })}
              {form.errors.prechat && (
                <small class="adm-error" data-testid="error-prechat">
                  {form.errors.prechat}
                </small>
              )}
            </fieldset>
            <div class="adm-grid">
              <Select name="language" label="Language" value={language} options={[["auto", "Visitor's browser"], ["en", "English"], ["zh", "Chinese (中文)"]] as const} onChange={setLanguage} error={form.errors.language} />
              <Select name="position" label="Position" value={position} options={[["right", "Bottom right"], ["left", "Bottom left"]] as const} onChange={setPosition} error={form.errors.position} />
            </div>
            <FormActions busy={form.busy} error={form.errors[""]} />
          </form>
          <div>
            <Preview color={color} title={shownTitle} greeting={greetEn} position={position} avatar={avatar} />
            <CopyValue label="Embed code: paste before </body> on every page" value={embedSnippet(location.origin, props.session.tenant.id)} testid="embed-snippet" />
          </div>
        </div>
      )}
    </Page>
  );
}
