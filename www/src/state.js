// What the page holds between events: the file, the shown analysis and its rendering.
// The worker connection lives in worker-client.js.
export const state = {
  file: null, // the File/Blob, kept so a Cancel or a new mapping can re-read it without asking again
  head: null, // its first 64 KiB, for the preview
  name: '',
  ingest: {}, // ingest options of the current dataset
  restoring: false, // the read after a Cancel that brings back the shown dashboard's data
  report: null,
  table: null,
  derived: null,
  status: null,
  started: 0,
  goodSettings: null, // settings form of the shown dashboard
  goodIngest: null, // ingest options of the shown dashboard
  lastScan: null, // the last k-means scan of this data (kept while k is fixed)
  renderToken: 0,
};
