// Lazy loading of the heavy libraries, shared by the enhancers.

export /** Memoize a lazy loader; forget a failed attempt so a later call retries. */
function lazy<T>(load: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | null = null;
  return () =>
    (p ??= load().catch((e: unknown) => {
      p = null;
      throw e;
    }));
}
