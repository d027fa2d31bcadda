// Lets a worker handle the messages that arrived while it computed (the other worker's notes
// on which k-means jobs it took) before it goes on. A MessageChannel, not setTimeout: nested
// timeouts are clamped to 4 ms, a message is the next task.
const channel = new MessageChannel();
const waiting = [];
channel.port1.onmessage = () => waiting.shift()?.();

/** Resolves once the messages queued before this call have been handled. */
export function turn() {
  return new Promise((resolve) => {
    waiting.push(resolve);
    channel.port2.postMessage(null);
  });
}
