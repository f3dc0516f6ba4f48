/**
 * The widget's whole stylesheet, inside its shadow root. Host rules cannot reach inside; what they can still do to
 * the host element itself (inherited fonts, `display`, `* {…!important}`) is undone by `all: initial` on :host,
 * which as an !important rule of the inner tree outranks the page's own !important rules.
 */
export const CSS = `
:host{all:initial!important;position:fixed!important;z-index:2147483000!important;bottom:20px!important;right:20px!important;left:auto!important;top:auto!important;display:block!important;width:auto!important;height:auto!important;margin:0!important;padding:0!important;transform:none!important;visibility:visible!important;opacity:1!important}
:host([data-position=left]){left:20px!important;right:auto!important}
*,*::before,*::after{box-sizing:border-box}
[hidden]{display:none!important}
.root{--c:#2563eb;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"PingFang SC","Microsoft YaHei",sans-serif;color:#111827;display:flex;flex-direction:column;align-items:flex-end;gap:12px;text-align:left;letter-spacing:normal;text-transform:none;direction:ltr}
.root.left{align-items:flex-start}
button,input,textarea{font:inherit;color:inherit;margin:0}
button{cursor:pointer;display:inline-flex;align-items:center;justify-content:center;gap:6px;border:0;background:none;padding:0}
:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}
.launcher{width:56px;height:56px;border-radius:50%;background:var(--c);color:#fff;box-shadow:0 6px 20px rgba(0,0,0,.25);position:relative;flex:none}
.launcher svg{width:28px;height:28px;fill:currentColor}
.badge{position:absolute;top:-4px;right:-4px;min-width:20px;height:20px;padding:0 6px;border-radius:10px;background:#dc2626;color:#fff;font-size:12px;font-weight:700;line-height:20px;text-align:center;border:2px solid #fff}
.teaser{max-width:280px;background:#fff;border-radius:12px;padding:10px 14px;box-shadow:0 4px 16px rgba(0,0,0,.18);cursor:pointer;text-align:left;display:block}
.panel{width:370px;height:min(600px,calc(100vh - 110px));background:#fff;border-radius:14px;box-shadow:0 12px 40px rgba(0,0,0,.28);display:flex;flex-direction:column;overflow:hidden}
header{background:var(--c);color:#fff;display:flex;align-items:center;gap:10px;padding:12px 14px;flex:none}
header img{width:34px;height:34px;border-radius:50%;object-fit:cover;background:#fff}
header h2{font-size:16px;font-weight:600;margin:0;flex:1;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
header button{width:32px;height:32px;border-radius:8px;color:#fff;font-size:20px}
header button:hover{background:rgba(255,255,255,.15)}
.banner{padding:8px 14px;font-size:13px;flex:none}
.banner.offline{background:#fef3c7;color:#78350f}
.banner.queue{background:#eff6ff;color:#1e3a8a}
.error{padding:24px 18px;text-align:center;color:#7f1d1d;background:#fef2f2;margin:14px;border-radius:10px}
.log{flex:1;overflow-y:auto;padding:14px;display:flex;flex-direction:column;gap:10px;background:#f9fafb}
.msg{display:flex;flex-direction:column;max-width:82%;align-self:flex-start}
.msg.own{align-self:flex-end;align-items:flex-end}
.msg.system{align-self:center;align-items:center;max-width:92%}
.bubble{background:#fff;border:1px solid #e5e7eb;border-radius:14px;padding:8px 12px;white-space:pre-wrap;overflow-wrap:anywhere;display:flex;flex-direction:column;gap:6px}
.own .bubble{background:var(--c);color:#fff;border-color:transparent}
.own[data-state=failed] .bubble{background:#fee2e2;color:#7f1d1d;border:1px solid #fca5a5}
.system .bubble{background:#f3f4f6}
.retracted .bubble{font-style:italic;opacity:.7}
.meta{font-size:11px;color:#6b7280;margin:2px 4px;display:flex;gap:6px;align-items:center;flex-wrap:wrap}
.meta .fail{color:#b91c1c;font-weight:600}
.meta button{color:#b91c1c;text-decoration:underline;font-size:11px;font-weight:600}
.bubble img{max-width:100%;max-height:220px;border-radius:8px;display:block}
.bubble a{color:inherit;text-decoration:underline}
.file{display:inline-flex;gap:6px;align-items:center}
.replies{display:flex;flex-wrap:wrap;gap:6px;margin-top:6px}
.replies button,.card .actions button,.card .actions a{border:1px solid var(--c);color:var(--c);background:#fff;border-radius:16px;padding:5px 12px;font-size:13px;text-decoration:none;display:inline-flex}
.replies button:hover,.card .actions button:hover{background:var(--c);color:#fff}
.card{border:1px solid #e5e7eb;border-radius:12px;overflow:hidden;background:#fff;color:#111827}
.card img{width:100%;max-height:160px;object-fit:cover;border-radius:0}
.card .text{padding:8px 10px;display:flex;flex-direction:column;gap:2px}
.card .actions{display:flex;flex-wrap:wrap;gap:6px;padding:0 10px 10px}
.typing{font-size:12px;color:#6b7280;font-style:italic}
.notice{margin:0 14px 10px;padding:10px;border-radius:10px;background:#ecfdf5;color:#065f46;text-align:center;display:flex;flex-direction:column;gap:8px;align-items:center;flex:none}
.notice.closed{background:#f3f4f6;color:#374151}
.primary{background:var(--c);color:#fff;border-radius:8px;padding:8px 14px;font-weight:600}
.prechat{padding:16px;display:flex;flex-direction:column;gap:10px;overflow-y:auto;flex:1}
.prechat label{display:flex;flex-direction:column;gap:4px;font-size:13px;font-weight:600}
.prechat input{border:1px solid #d1d5db;border-radius:8px;padding:8px 10px;font-weight:400;background:#fff;display:block;width:100%}
.prechat .err{color:#b91c1c;font-size:12px;font-weight:400}
.composer{display:flex;align-items:flex-end;gap:6px;padding:10px;border-top:1px solid #e5e7eb;background:#fff;flex:none}
.composer textarea{flex:1;resize:none;border:1px solid #d1d5db;border-radius:10px;padding:8px 10px;max-height:120px;min-height:40px;background:#fff;display:block}
.attach{position:relative;width:40px;height:40px;border-radius:10px;color:#4b5563;display:inline-flex;align-items:center;justify-content:center;flex:none;cursor:pointer}
.attach:focus-within{outline:3px solid #f59e0b;outline-offset:2px}
.attach input{position:absolute;inset:0;opacity:0;width:100%;height:100%;cursor:pointer}
.attach svg,.send svg{width:22px;height:22px;fill:currentColor}
.send{width:40px;height:40px;border-radius:10px;background:var(--c);color:#fff;flex:none}
.send:disabled{opacity:.5;cursor:default}
.composer-error{color:#b91c1c;font-size:12px;padding:0 12px 8px;flex:none}
.status{font-size:12px;color:#4b5563;padding:0 12px 8px;flex:none}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media (max-width:479.98px){.panel{position:fixed;inset:0;width:100vw;height:100vh;height:100dvh;border-radius:0}.root.open .launcher,.root.open .teaser{display:none}}
`;
