// A virtualised customer table: only the rows in view exist in the DOM, so 350k customers
// scroll as smoothly as 350. Filter, search and sort run in the worker, which returns the
// row order as a Uint32Array. Every cell is set with textContent: file content is never HTML.

const ROW_H = 30;

export class VirtualTable {
  constructor({ head, body, spacer, onSort }) {
    this.head = head;
    this.body = body;
    this.spacer = spacer;
    this.onSort = onSort;
    this.columns = [];
    this.index = new Uint32Array(0);
    this.rows = [];
    this.sort = { key: null, dir: 'asc' };
    this.pending = false;
    body.addEventListener('scroll', () => this.schedule());
    body.addEventListener('keydown', (e) => {
      const page = Math.max(1, Math.floor(body.clientHeight / ROW_H) - 1) * ROW_H;
      const moves = { ArrowDown: ROW_H, ArrowUp: -ROW_H, PageDown: page, PageUp: -page };
      if (e.key in moves) { body.scrollTop += moves[e.key]; e.preventDefault(); }
      else if (e.key === 'Home') { body.scrollTop = 0; e.preventDefault(); }
      else if (e.key === 'End') { body.scrollTop = body.scrollHeight; e.preventDefault(); }
    });
  }

  /** columns: [{ key, label, get(i) -> string, numeric, sortable }] */
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
    this.spacer.style.height = `${index.length * ROW_H}px`;
    this.body.parentElement.setAttribute('aria-rowcount', String(index.length + 1));
    if (this.body.scrollTop > index.length * ROW_H) this.body.scrollTop = 0;
    this.schedule();
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
      el.setAttribute('role', 'row');
      const cells = this.columns.map((c) => {
        const d = document.createElement('div');
        d.className = `vcell${c.numeric ? ' num' : ''}`;
        d.setAttribute('role', 'cell');
        el.append(d);
        return d;
      });
      this.body.append(el);
      this.rows.push({ el, cells });
    }
    for (let r = 0; r < this.rows.length; r++) {
      const row = this.rows[r];
      if (r >= count) { row.el.hidden = true; continue; }
      const i = this.index[first + r];
      row.el.hidden = false;
      row.el.style.transform = `translateY(${(first + r) * ROW_H}px)`;
      row.el.setAttribute('aria-rowindex', String(first + r + 2));
      this.columns.forEach((c, k) => { row.cells[k].textContent = c.get(i); });
    }
  }
}
