// Print / Save as PDF: a report on A4, not a picture of the screen. The print styles
// (style.css, `@media print`) hide every control and lay the panels out in one column; here,
// the charts are drawn again at the printed width just before printing and back after, so
// none is cut off or shrunk into unreadable text. (The print styles also scale any canvas
// down to the page width, for a print that fires no `beforeprint`.)

/** A4 portrait less 12 mm margins, in CSS pixels (96 per inch), with some room to spare. */
export const PRINT_WIDTH = 680;
/** Charts are at most this tall in print, so two fit a page. */
export const PRINT_HEIGHT = 330;

/** Window listeners that lay out `charts` (a ChartSet) for print; `off()` removes them. */
export function printLayout(charts) {
  const before = () => charts.each((_, c) => c.resize({ width: PRINT_WIDTH, height: Math.min(c.getHeight(), PRINT_HEIGHT) }));
  const after = () => charts.each((_, c) => c.resize({ width: 'auto', height: 'auto' }));
  window.addEventListener('beforeprint', before);
  window.addEventListener('afterprint', after);
  return {
    off() {
      window.removeEventListener('beforeprint', before);
      window.removeEventListener('afterprint', after);
    },
  };
}
