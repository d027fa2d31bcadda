// The k-means jobs of one segmentation (SegmentScan: one per k of the scan), dealt between the
// two workers so that no job ever runs twice.
//
// The segment worker owns the jobs (`Dealer`). It runs them from the last (largest k) down and,
// between two of its jobs, answers the analysis worker's requests ({id, want}) with the lowest
// job nobody has begun ({id, grant: i}), keeping the last one for itself (it is free now, the
// other is busy), or with {id, grant: -1} when none is left. The analysis worker (`Taker`) runs
// only what it was granted, asks for the next job as it begins one (so the grant arrives while
// it computes), and answers every grant: {id, fit: i, bytes}, or {id, fit: i, error} for a job
// it failed or declined, which the segment worker then runs itself. Only one side hands jobs
// out, so the two cannot both begin one, however late the messages arrive (the claims of
// session 9 crossed: one job of nine ran on both). The answers are combined in job order,
// never arrival order: the segmentation is the same bits whoever ran which job.
import { turn } from './turn.js';

/** The segment worker's side. `post(msg)` sends a message to the analysis worker. */
export class Dealer {
  constructor(post) {
    this.post = post;
    this.scans = new Map();
    // Scan ids only grow: a note on a scan already ended is answered (or dropped) at once.
    this.ended = 0;
  }

  /** What is known of scan `id`, kept from the first note (which may precede the scan). */
  state(id) {
    if (!this.scans.has(id)) {
      this.scans.set(id, { wants: 0, lo: 0, hi: -1, open: false, fits: [], failed: new Set(), wake: null });
    }
    return this.scans.get(id);
  }

  /** A message of the analysis worker: a request for a job, or a granted job's answer. */
  note(msg) {
    if (msg.id <= this.ended) {
      if (msg.want) this.post({ id: msg.id, grant: -1 });
      return;
    }
    const s = this.state(msg.id);
    if (msg.want) s.wants++;
    else if (msg.bytes) s.fits[msg.fit] ??= msg.bytes;
    else s.failed.add(msg.fit);
    s.wake?.();
  }

  /** Grants the waiting requests of scan `id`: the lowest job not begun while two are left. */
  serve(id, s) {
    for (; s.wants > 0; s.wants--) {
      const grant = s.open && s.hi > s.lo ? s.lo++ : -1;
      this.post({ id, grant });
    }
  }

  /**
   * Runs scan `id`'s `n` jobs (`runJob(i)` → the answer's bytes) with the analysis worker:
   * `{fits, here}`, every job's answer in job order and how many ran here.
   */
  async run(id, n, runJob) {
    const s = this.state(id);
    Object.assign(s, { lo: 0, hi: n - 1, open: true });
    let here = 0;
    for (;;) {
      await turn(); // the requests that came while the last job ran
      this.serve(id, s);
      if (s.lo > s.hi) break;
      const i = s.hi--;
      s.fits[i] = runJob(i);
      here++;
    }
    s.open = false;
    for (let i = 0; i < n; i++) {
      while (!s.fits[i]) {
        this.serve(id, s); // a late request: nothing left
        if (s.failed.has(i)) {
          s.fits[i] = runJob(i);
          here++;
        } else await new Promise((resolve) => { s.wake = resolve; });
      }
    }
    return { fits: s.fits.slice(0, n), here };
  }

  /** Forgets scan `id` (done or failed): its open requests get "none". */
  end(id) {
    const s = this.scans.get(id);
    if (s) {
      s.open = false;
      this.serve(id, s);
    }
    this.ended = Math.max(this.ended, id);
    this.scans.delete(id);
  }
}

/** The analysis worker's side. `post(msg)` sends a message to the segment worker. */
export class Taker {
  constructor(post) {
    this.post = post;
    this.grants = new Map();
  }

  /** A grant of the segment worker. One nobody waits for is declined (it runs there). */
  note(msg) {
    const g = this.grants.get(msg.id);
    if (g) {
      g.queue.push(msg.grant);
      g.wake?.();
    } else if (msg.grant >= 0) this.post({ id: msg.id, fit: msg.grant, error: 'declined' });
  }

  /**
   * Asks for a first job of scan `id` ahead of `run` (while this worker finishes its own
   * stages), so the grant is here when it is free. Then `run` or `drop` must follow.
   */
  ask(id) {
    if (this.grants.has(id)) return;
    this.grants.set(id, { queue: [], wake: null, over: false, asked: true });
    this.post({ id, want: true });
  }

  /** Gives scan `id` up: its grants, here or to come, run in the segment worker. */
  drop(id) {
    const g = this.grants.get(id);
    this.grants.delete(id);
    for (const i of g?.queue ?? []) if (i >= 0) this.post({ id, fit: i, error: 'declined' });
  }

  /**
   * Takes jobs of scan `id` until none is left or `done` (the segmentation's answer) settles:
   * `open()` gives the runner (`runJob(i)` → bytes), made at the first grant only. Returns the
   * number of jobs run here.
   */

  async run(id, open, done) {
    const g = this.grants.get(id) ?? { queue: [], wake: null, over: false, asked: false };
    this.grants.set(id, g);
    const stop = () => { g.over = true; g.wake?.(); };
    done.then(stop, stop);
    let ran = 0;
    let runner = null;
    let failed = false;
    let asked = 0; // requests not answered yet: at most one
    const ask = () => { asked++; this.post({ id, want: true }); };
    try {
      if (g.asked) asked++;
      else ask();
      while (asked > 0) {
        while (!g.queue.length && !g.over) await new Promise((resolve) => { g.wake = resolve; });
        if (!g.queue.length) break; // the segmentation came back (or failed)
        const i = g.queue.shift();
        asked--;
        if (i < 0) break;
        if (failed) {
          this.post({ id, fit: i, error: 'declined' });
          continue;
        }
        try {
          runner ??= open();
          ask(); // the next one, granted while this one runs
          const bytes = runner.runJob(i);
          this.post({ id, fit: i, bytes }, [bytes.buffer]);
          ran++;
        } catch (e) {
          this.post({ id, fit: i, error: String(e?.message ?? e) });
          failed = true;
        }
      }
    } finally {
      this.grants.delete(id);
      runner?.free?.();
    }
    return ran;
  }
}
