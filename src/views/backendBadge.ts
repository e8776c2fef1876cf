/** Plain description of the active backend, as the badge needs it (a copy of gpt/backend's status). */
export interface BadgeData {
  active: string;
  requested: string | null;
  fellBack: boolean;
  adapter: string | null;
  attempts: readonly {name: string; ok: boolean; reason?: string}[];
}

/** The header badge: which backend every tensor on this page lives on. */
export function backendBadge(status: BadgeData): HTMLElement {
  const badge = document.createElement("span");
  badge.className = "tg-badge";
  badge.dataset.backend = status.active;
  badge.dataset.fellBack = String(status.fellBack);
  const software = status.adapter && /swiftshader/i.test(status.adapter) ? " · software" : "";
  badge.textContent = `backend: ${status.active}${software}`;
  badge.title = status.attempts.map((a) => (a.ok ? `${a.name}: active` : `${a.name}: ${a.reason}`)).join("\n");
  return badge;
}

/** The notice shown when the first choice could not be used, listing why each earlier backend failed. */
export function fallbackNotice(status: BadgeData): HTMLElement | null {
  if (!status.fellBack) return null;
  const first = status.attempts[0];
  const notice = document.createElement("div");
  notice.className = "tg-notice";
  notice.setAttribute("role", "status");
  notice.dataset.fallback = first.name;
  const lead = document.createElement("strong");
  lead.textContent = `${first.name === "webgpu" ? "WebGPU" : first.name} was unavailable; this page runs on ${status.active}.`;
  const list = document.createElement("ul");
  for (const attempt of status.attempts.filter((a) => !a.ok)) {
    const item = document.createElement("li");
    item.textContent = `${attempt.name}: ${attempt.reason}`;
    list.append(item);
  }
  const hint = document.createElement("div");
  hint.textContent = "Everything still works, only slower. A browser with WebGPU enabled trains fastest.";
  notice.append(lead, list, hint);
  return notice;
}
