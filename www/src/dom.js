// The few DOM helpers every module uses. Text is only ever set as textContent, never HTML.

export const $ = (id) => document.getElementById(id);

export const el = (tag, text, cls) => {
  const e = document.createElement(tag);
  if (text != null) e.textContent = text;
  if (cls) e.className = cls;
  return e;
};

// One rendering step per frame: ECharts paints on the next animation frame, so yielding only to
// the task queue would let several charts paint in one long frame.
export const nextFrame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
