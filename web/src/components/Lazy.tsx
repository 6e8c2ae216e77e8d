import type { ComponentType } from "preact";
import { useEffect, useState } from "preact/hooks";

/**
 * A component loaded on first use, so screens other than the chat stay out
 * of the first-screen bundle. (preact/compat's lazy + Suspense would cost
 * more than this.)
 */
export function lazy<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  let loaded: ComponentType<P> | null = null;
  let pending: Promise<ComponentType<P>> | null = null;
  return function Lazy(props: P) {
    const [, setReady] = useState(!!loaded);
    useEffect(() => {
      if (loaded) return;
      let alive = true;
      pending ??= load().then((c) => (loaded = c));
      void pending.then(() => alive && setReady(true));
      return () => {
        alive = false;
      };
    }, []);
    const Loaded = loaded;
    return Loaded ? <Loaded {...props} /> : null;
  };
}
