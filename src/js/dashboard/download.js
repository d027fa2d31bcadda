// Downloads from inside the shadow root: a temporary <a download> in it, clicked.

export function download(root, href, filename) {
  const a = document.createElement('a');
  a.href = href;
  a.download = filename;
  a.hidden = true;
  root.append(a);
  a.click();
  a.remove();
}

export function downloadBlob(root, blob, filename) {
  const url = URL.createObjectURL(blob);
  download(root, url, filename);
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
