import { useStore } from "../lib/store";
import { toast } from "../state/ui";

export function Toast() {
  const current = useStore(toast);
  if (!current) return null;
  return (
    <div class="toast" role="status" aria-live="polite">
      <span>{current.text}</span>
      {current.action && (
        <button
          type="button"
          class="button"
          onClick={() => {
            current.action!.run();
            toast.set(null);
          }}
        >
          {current.action.label}
        </button>
      )}
    </div>
  );
}
