// The few DOM helpers the page uses. Text is only ever set as textContent, never HTML.

export const $ = (id) => document.getElementById(id);

export const el = (tag, text, cls) => {
  const e = document.createElement(tag);
  if (text != null) e.textContent = text;
  if (cls) e.className = cls;
  return e;
};
