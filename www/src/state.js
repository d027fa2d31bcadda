// What the page holds between events. The data and the analysis live in the analyzer
// (crm-lens/worker); the dashboard element renders it.
export const state = {
  file: null, // the File/Blob, kept so a new mapping or settings can re-read it without asking again
  head: null, // its first 64 KiB, for the preview
  name: '',
  ingest: {}, // ingest options of the current read
  run: null, // the AbortController of the open/analyze in flight
  started: 0,
  status: null, // what the status line says about the shown analysis
  detected: null, // what ingest detected, for the preview
  goodSettings: null, // settings form of the shown dashboard
  cancelToken: 0,
  sig: null, // the file's signature (remember.js)
  restored: false, // its mapping and settings came from this browser's memory
  foldNext: false, // fold the setup away when this run is analysed (a file opened anew)
};
