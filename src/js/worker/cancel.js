// The errors an analyzer's calls reject with when they did not run to the end.

/** A cancelled call: an AbortError by name, `cancelled` by code. */
export const cancelled = () => ({ name: 'AbortError', code: 'cancelled', message: 'the call was cancelled', hint: '' });
export const disposed = () => ({ code: 'disposed', message: 'the analyzer was disposed', hint: 'create another with createAnalyzer()' });
