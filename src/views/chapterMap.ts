export interface ChapterEntry {
  path: string;
  title: string;
  summary: string;
  /** Written: linked. Not yet: shown greyed, "(in preparation)". */
  ready: boolean;
}

/** The course's chapters in order, each linked (or marked as in preparation) with its one-line summary. */
export function chapterMap(chapters: readonly ChapterEntry[]): HTMLElement {
  const root = document.createElement("ol");
  root.className = "tg-chapters";
  for (const chapter of chapters) {
    const li = document.createElement("li");
    let title: HTMLElement;
    if (chapter.ready) {
      title = document.createElement("a");
      title.setAttribute("href", `./${chapter.path}`);
      title.textContent = chapter.title;
    } else {
      title = document.createElement("span");
      title.className = "tg-soon";
      title.textContent = `${chapter.title} (in preparation)`;
    }
    li.append(title, ` — ${chapter.summary}`);
    root.append(li);
  }
  return root;
}
