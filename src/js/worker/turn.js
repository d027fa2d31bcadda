// Lets a worker handle the messages that arrived while it computed (the other worker's
// requests for k-means jobs, kmeans-deal.js) before it goes on. A MessageChannel, not
// setTimeout: nested timeouts are clamped to 4 ms, a message is the next task.
const channel = new MessageChannel();
const waiting = [];
channel.port1.onmessage = () => {
  waiting.shift()?.();
  // Under Node (the tests) the channel keeps the process alive only while a turn is awaited.
  if (!waiting.length) channel.port1.unref?.();
};
channel.port1.unref?.();

/** Resolves once the messages queued before this call have been handled. */
export function turn() {
  return new Promise((resolve) => {
    waiting.push(resolve);
    channel.port1.ref?.();
    channel.port2.postMessage(null);
  });
}
