// A virtualised customer table: only the rows in view exist in the DOM, so 350k customers
// scroll as smoothly as 350. Filter, search and sort run where the columns are (the analyzer's
// worker), which returns the row order as a Uint32Array. Every cell is set with textContent:
// file content is never HTML. A grid with one current row: the grid itself is the focusable
// scroller and holds aria-activedescendant (ARIA allows it on a grid, not on a rowgroup); the
// header row sticks to its top. Arrows, Page Up/Down, Home and End move the current row, Enter
// or a click activates it. A column may give a note per cell (its tooltip).

const ROW_H = 30;

export class VirtualTable {
  /** `onActivate(i)` gets the customer's row in the columns when a row is activated. */
  constructor({ grid, head, body, spacer, onSort, onActivate }) {
    this.grid = grid;
    this.head = head;
    this.body = body;
    this.spacer = spacer;
    this.onSort = onSort;
    this.onActivate = onActivate;
    this.columns = [];
    this.index = new Uint32Array(0);
    this.rows = [];
    this.current = -1; // position in `index` of the current row
    this.sort = { key: null, dir: 'asc' };
    this.pending = false;
    grid.addEventListener('scroll', () => this.schedule());
    grid.addEventListener('keydown', (e) => this.key(e));
    body.addEventListener('click', (e) => {
      const row = e.target.closest('.vrow');
      if (!row?.dataset.pos) return;
      this.moveTo(Number(row.dataset.pos));
      this.activate();
    });
  }

  /** Height of the rows' viewport: the grid's, less its sticky header row. */
  viewHeight() {
    return Math.max(ROW_H, (this.grid.clientHeight || 440) - (this.head.offsetHeight || ROW_H));
  }

  key(e) {
    if (e.target !== this.grid) return; // a sort button in the header keeps its own keys
    const b = this.grid;
    const rows = Math.max(1, Math.floor(this.viewHeight() / ROW_H) - 1);
    const first = () => Math.min(this.index.length - 1, Math.ceil(b.scrollTop / ROW_H));
    const moves = {
      ArrowDown: () => this.moveTo(this.current < 0 ? first() : this.current + 1),
      ArrowUp: () => this.moveTo(this.current < 0 ? first() : this.current - 1),
      PageDown: () => { b.scrollTop += rows * ROW_H; this.moveTo(first()); },
      PageUp: () => { b.scrollTop -= rows * ROW_H; this.moveTo(first()); },
      Home: () => { b.scrollTop = 0; this.moveTo(0); },
      End: () => { b.scrollTop = b.scrollHeight; this.moveTo(this.index.length - 1); },
      Enter: () => this.activate(),
    };
    if (!(e.key in moves)) return;
    e.preventDefault();
    moves[e.key]();
  }

  /** Makes row `pos` (a position in the shown order) current and scrolls it into view. */
  moveTo(pos) {
    if (!this.index.length) return;
    this.current = Math.max(0, Math.min(this.index.length - 1, pos));
    const top = this.current * ROW_H;
    const b = this.grid;
    const h = this.viewHeight();
    if (top < b.scrollTop) b.scrollTop = top;
    else if (top + ROW_H > b.scrollTop + h) b.scrollTop = top + ROW_H - h;
    // Drawn now: the row marked current is the one Enter activates, at once.
    this.draw();
  }

  activate() {
    if (this.current >= 0 && this.current < this.index.length) this.onActivate(this.index[this.current]);
  }

  /** columns: [{ key, label, get(i) -> string, numeric, note?(i) -> string ('' for none) }] */
  setColumns(columns) {
    this.columns = columns;
    this.grid.style.setProperty('--cols', `minmax(10rem, 2fr) repeat(${columns.length - 1}, minmax(7rem, 1fr))`);
    this.head.replaceChildren(...columns.map((c) => {
      const cell = document.createElement('div');
      cell.className = `vcell${c.numeric ? ' num' : ''}`;
      cell.setAttribute('role', 'columnheader');
      const sorted = this.sort.key === c.key;
      cell.setAttribute('aria-sort', sorted ? (this.sort.dir === 'asc' ? 'ascending' : 'descending') : 'none');
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'sort';
      b.textContent = c.label + (sorted ? (this.sort.dir === 'asc' ? ' ▲' : ' ▼') : '');
      b.addEventListener('click', () => {
        const dir = this.sort.key === c.key && this.sort.dir === (c.numeric ? 'desc' : 'asc')
          ? (c.numeric ? 'asc' : 'desc') : (c.numeric ? 'desc' : 'asc');
        this.sort = { key: c.key, dir };
        this.setColumns(this.columns);
        this.onSort(this.sort);
      });
      cell.append(b);
      return cell;
    }));
    for (const r of this.rows) r.el.remove();
    this.rows = [];
    this.schedule();
  }

  setIndex(index) {
    this.index = index;
    this.current = -1;
    this.spacer.style.height = `${index.length * ROW_H}px`;
    this.grid.setAttribute('aria-rowcount', String(index.length + 1));
    if (this.grid.scrollTop > index.length * ROW_H) this.grid.scrollTop = 0;
    // Drawn now, not on the next frame: the rows on screen always match the count beside them.
    this.draw();
  }

  schedule() {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => { this.pending = false; this.draw(); });
  }

  draw() {
    const first = Math.floor(this.grid.scrollTop / ROW_H);
    const count = Math.min(this.index.length - first, Math.ceil(this.viewHeight() / ROW_H) + 2);
    while (this.rows.length < Math.max(0, count)) {
      const el = document.createElement('div');
      el.className = 'vrow';
      el.id = `vrow-${this.rows.length}`;
      el.setAttribute('role', 'row');
      const cells = this.columns.map((c) => {
        const d = document.createElement('div');
        d.className = `vcell${c.numeric ? ' num' : ''}`;
        d.setAttribute('role', 'gridcell');
        el.append(d);
        return d;
      });
      this.body.append(el);
      this.rows.push({ el, cells });
    }
    let active = null;
    for (let r = 0; r < this.rows.length; r++) {
      const row = this.rows[r];
      if (r >= count) { row.el.hidden = true; continue; }
      const pos = first + r;
      const i = this.index[pos];
      row.el.hidden = false;
      row.el.dataset.pos = String(pos);
      row.el.style.transform = `translateY(${pos * ROW_H}px)`;
      row.el.setAttribute('aria-rowindex', String(pos + 2));
      const current = pos === this.current;
      row.el.classList.toggle('current', current);
      row.el.setAttribute('aria-selected', String(current));
      if (current) active = row.el.id;
      this.columns.forEach((c, k) => {
        const cell = row.cells[k];
        cell.textContent = c.get(i);
        const note = c.note?.(i);
        if (note) cell.title = note;
        else cell.removeAttribute('title');
      });
    }
    if (active) this.grid.setAttribute('aria-activedescendant', active);
    else this.grid.removeAttribute('aria-activedescendant');
  }
}
