// The server's pricing table (/api/pricing), loaded after the first screen.
import { Store } from "../lib/store";
import type { Pricing } from "../lib/cost";

export const pricing = new Store<Pricing | null>(null);

export async function loadPricing(): Promise<void> {
  try {
    const res = await fetch("/api/pricing");
    if (res.ok) pricing.set(await res.json());
  } catch {
    // Offline: costs are simply not shown.
  }
}

export function formatCost(amount: number, currency: string): string {
  // Under a hundredth of a cent, "0.0000" would read as free.
  if (amount > 0 && amount < 0.0001) return `< ${formatCost(0.0001, currency)}`;
  const digits = amount < 0.01 ? 4 : 2;
  try {
    return new Intl.NumberFormat(undefined, { style: "currency", currency, minimumFractionDigits: digits, maximumFractionDigits: digits }).format(amount);
  } catch {
    return `${amount.toFixed(digits)} ${currency}`;
  }
}
