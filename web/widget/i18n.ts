/** The widget's UI text in its two languages, and which language a visitor gets. DOM-free: tested in workerd. */
export type Lang = "en" | "zh";

const en = {
  open: "Open chat",
  close: "Close chat",
  title: "Chat with us",
  you: "You",
  agent: "Agent",
  bot: "Assistant",
  system: "Notice",
  placeholder: "Write a message…",
  send: "Send",
  attach: "Attach a file",
  messages: "Messages",
  sending: "Sending…",
  sent: "Sent",
  delivered: "Delivered",
  read: "Read",
  failed: "Not sent",
  retry: "Retry",
  typing: "{name} is typing…",
  queue: "You are number {position} in the queue",
  queueWait: "about {minutes} min",
  offline: "You are offline — messages will be sent when you reconnect",
  reconnecting: "Reconnecting…",
  resolved: "This conversation was resolved",
  closed: "This conversation has ended",
  newConversation: "Start a new conversation",
  unavailable: "Chat is not available on this site.",
  loadFailed: "We could not reach the chat service. Retrying…",
  prechatIntro: "Before we start, please tell us a little about you.",
  prechatStart: "Start chat",
  name: "Name",
  email: "E-mail",
  phone: "Phone",
  required: "Please fill in this field.",
  invalidEmail: "Please enter a valid e-mail address.",
  uploading: "Uploading {name}…",
  download: "Download {name}",
  image: "Image",
  tooLarge: "Files are limited to 10 MB.",
  badType: "Only images (PNG, JPEG, GIF, WebP), PDF and plain text can be sent.",
  uploadFailed: "The file could not be sent.",
  sendFailed: "The message could not be sent.",
  unsent: "This message was unsent",
  edited: "edited",
  error: "Something went wrong. Please try again later.",
  identityRequired: "Please sign in on this site to chat with us.",
};

export type Strings = typeof en;

const zh: Strings = {
  open: "打开聊天",
  close: "关闭聊天",
  title: "在线客服",
  you: "我",
  agent: "客服",
  bot: "智能助手",
  system: "通知",
  placeholder: "输入消息…",
  send: "发送",
  attach: "添加附件",
  messages: "消息",
  sending: "发送中…",
  sent: "已发送",
  delivered: "已送达",
  read: "已读",
  failed: "发送失败",
  retry: "重试",
  typing: "{name} 正在输入…",
  queue: "您前面还有 {position} 位，正在排队",
  queueWait: "预计约 {minutes} 分钟",
  offline: "您已离线——恢复连接后消息将自动发送",
  reconnecting: "正在重新连接…",
  resolved: "此会话已解决",
  closed: "此会话已结束",
  newConversation: "开始新的会话",
  unavailable: "本网站暂不提供在线聊天。",
  loadFailed: "无法连接到客服服务，正在重试…",
  prechatIntro: "开始之前，请简单介绍一下您自己。",
  prechatStart: "开始聊天",
  name: "姓名",
  email: "电子邮箱",
  phone: "电话",
  required: "请填写此项。",
  invalidEmail: "请输入有效的电子邮箱地址。",
  uploading: "正在上传 {name}…",
  download: "下载 {name}",
  image: "图片",
  tooLarge: "文件不能超过 10 MB。",
  badType: "仅支持图片（PNG、JPEG、GIF、WebP）、PDF 和纯文本文件。",
  uploadFailed: "文件发送失败。",
  sendFailed: "消息发送失败。",
  unsent: "此消息已撤回",
  edited: "已编辑",
  error: "出现问题，请稍后再试。",
  identityRequired: "请先登录本网站，再与我们聊天。",
};

export const STRINGS: Record<Lang, Strings> = { en, zh };

/** A string with its `{placeholders}` filled in; an unknown placeholder stays visible rather than vanishing. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? String(values[key]) : whole));
}

/** "zh", "zh-CN", "zh-Hant-TW" are Chinese; anything else readable falls back to English. */
export function asLang(value: string | null | undefined): Lang | null {
  if (!value) return null;
  const tag = value.trim().toLowerCase();
  if (tag === "en" || tag.startsWith("en-")) return "en";
  if (tag === "zh" || tag.startsWith("zh-")) return "zh";
  return null;
}

/**
 * The language shown, by precedence: the embed tag's data-lang, then setLanguage(), then the tenant's configured
 * language (unless "auto"), then the first of the browser's languages the widget speaks; English otherwise.
 */
export function pickLang(o: { attribute?: string | null; api?: string | null; config?: string | null; browser?: readonly string[] }): Lang {
  return asLang(o.attribute) ?? asLang(o.api) ?? asLang(o.config) ?? o.browser?.map(asLang).find((l) => l !== null) ?? "en";
}
