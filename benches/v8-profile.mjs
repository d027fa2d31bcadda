// V8's sampling profiler in this Node process (node:inspector), for the wasm benches that
// split a call's CPU time by the core functions inside it (the release build keeps the wasm
// name section, so frames carry Rust paths).
import inspector from 'node:inspector';

/** A started profiler session: `post(method, params)`, `share(profile, re)`, `close()`. */
export async function profiler(intervalUs = 500) {
  const session = new inspector.Session();
  session.connect();
  const post = (method, params) => new Promise((resolve, reject) =>
    session.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: intervalUs });
  return { post, share, close: () => session.disconnect() };
}

/** Share of the profile's sampled time whose stack holds a frame whose name matches `re`. */
export function share(profile, re) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const hit = new Map();
  const under = (id) => {
    if (hit.has(id)) return hit.get(id);
    const v = re.test(byId.get(id).callFrame.functionName) || (parent.has(id) && under(parent.get(id)));
    hit.set(id, v);
    return v;
  };
  let all = 0;
  let us = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    all += dt;
    if (under(id)) us += dt;
  });
  return all > 0 ? us / all : 0;
}
