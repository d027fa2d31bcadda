// A virtualised customer table: only the rows in view exist in the DOM, so 350k customers
// scroll as smoothly as 350. Filter, search and sort run where the columns are (the analyzer's
// worker), which returns the row order as a Uint32Array. Every cell is set with textContent:
// file content is never HTML. A grid with one current row (aria-activedescendant): arrows,
// Page Up/Down, Home and End move it, Enter or a click activates it.

const ROW_H = 30;

export class VirtualTable {
  /** `onActivate(i)` gets the customer's row in the columns when a row is activated. */
  constructor({ head, body, spacer, onSort, onActivate }) {
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
    body.addEventListener('scroll', () => this.schedule());
    body.addEventListener('keydown', (e) => this.key(e));
    body.addEventListener('click', (e) => {
      const row = e.target.closest('.vrow');
      if (!row?.dataset.pos) return;
      this.moveTo(Number(row.dataset.pos));
      this.activate();
    });
  }

  key(e) {
    const b = this.body;
    const rows = Math.max(1, Math.floor(b.clientHeight / ROW_H) - 1);
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
    const b = this.body;
    if (top < b.scrollTop) b.scrollTop = top;
    else if (top + ROW_H > b.scrollTop + b.clientHeight) b.scrollTop = top + ROW_H - b.clientHeight;
    // Drawn now: the row marked current is the one Enter activates, at once.
    this.draw();
  }

  activate() {
    if (this.current >= 0 && this.current < this.index.length) this.onActivate(this.index[this.current]);
  }

  /** columns: [{ key, label, get(i) -> string, numeric }] */
  setColumns(columns) {
    this.columns = columns;
    this.body.parentElement.style.setProperty('--cols', `minmax(10rem, 2fr) repeat(${columns.length - 1}, minmax(7rem, 1fr))`);
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
    this.body.parentElement.setAttribute('aria-rowcount', String(index.length + 1));
    if (this.body.scrollTop > index.length * ROW_H) this.body.scrollTop = 0;
    // Drawn now, not on the next frame: the rows on screen always match the count beside them.
    this.draw();
  }

  schedule() {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => { this.pending = false; this.draw(); });
  }

  draw() {
    const h = this.body.clientHeight || 440;
    const first = Math.floor(this.body.scrollTop / ROW_H);
    const count = Math.min(this.index.length - first, Math.ceil(h / ROW_H) + 2);
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
      this.columns.forEach((c, k) => { row.cells[k].textContent = c.get(i); });
    }
    if (active) this.body.setAttribute('aria-activedescendant', active);
    else this.body.removeAttribute('aria-activedescendant');
  }
}
