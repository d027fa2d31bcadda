// The few DOM helpers every panel uses. Text is only ever set as textContent, never HTML.

export const el = (tag, text, cls) => {
  const e = document.createElement(tag);
  if (text != null) e.textContent = text;
  if (cls) e.className = cls;
  return e;
};

/** A table's head row from translated labels (th scope=col). */
export function headRow(labels) {
  const tr = el('tr');
  for (const label of labels) {
    const th = el('th', label);
    th.scope = 'col';
    tr.append(th);
  }
  return tr;
}

/** Replaces a table's content with a head row and body rows. */
export function fillTable(table, head, rows) {
  table.replaceChildren(el('thead'), el('tbody'));
  table.tHead.append(head);
  table.tBodies[0].append(...rows);
}

// One rendering step per frame: ECharts paints on the next animation frame, so yielding only to
// the task queue would let several charts paint in one long frame.
export const nextFrame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
