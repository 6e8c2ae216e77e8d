// Texts of the admin page (/admin). Loaded with that page only, never with the
// chat's first screen: AdminPage picks this or admin.zh-CN.ts by the locale.
export const adminEn = {
  adminTitle: "Admin",
  adminBackToChat: "Back to chat",
  adminLoading: "Loading…",
  adminClosed: "The admin page is closed on this server: set ADMIN_CODE to open it.",
  adminLoginIntro: "Enter the admin code (ADMIN_CODE) to see usage, lockouts and keys.",
  adminCode: "Admin code",
  adminSignIn: "Sign in",
  adminSignOut: "Sign out",
  adminRefresh: "Refresh",
  adminWrongCode: "The admin code is wrong.",
  adminLocked: (wait: string) => `Too many wrong codes from your address. Try again in ${wait}.`,
  adminFailed: (detail: string) => `The server could not answer: ${detail}`,
  adminUpdated: (time: string) => `Updated ${time}`,
  // totals
  adminTotalsTitle: (days: number) => `Last ${days} days`,
  adminRequests: "Requests",
  adminErrors: "Errors",
  adminTokens: "Tokens",
  adminCost: "Cost",
  adminCostNote: "Costs are estimates from the price table.",
  // chart
  adminChartTitle: "Usage per access code",
  adminShowCost: "Cost",
  adminShowTokens: "Tokens",
  adminChartShow: "Show",
  adminChartDesc: (metric: string, days: number, first: string, last: string, codes: string) =>
    `Stacked bars: ${metric} per day and access code over ${days} days, ${first} to ${last}. Codes: ${codes}.`,
  adminChartEmpty: "No requests in this period.",
  adminOther: "Other codes",
  adminNoCode: "(no code)",
  adminAsTable: "Show the numbers as a table",
  adminDay: "Day",
  adminCodeColumn: "Access code",
  // tables
  adminByCodeTitle: "Cost per access code",
  adminTopModelsTitle: "Top models",
  adminModel: "Model",
  adminProvider: "Provider",
  adminNone: "Nothing yet.",
  // lockouts and failures
  adminLockoutsTitle: "Locked-out addresses",
  adminNoLockouts: "No address is locked out.",
  adminAddress: "Address",
  adminTimeLeft: "Time left",
  adminUnlock: "Unlock",
  adminUnlockIp: (ip: string) => `Unlock ${ip}`,
  adminUnlocked: (ip: string) => `${ip} is unlocked.`,
  adminFailuresTitle: "Recent wrong codes",
  adminNoFailures: "No wrong codes recently.",
  adminTime: "Time",
  adminHash: "Code hash",
  adminHashNote: "A short keyed hash of the code that was tried: the same guess shows the same hash.",
  // keys
  adminKeysTitle: "API keys resting",
  adminKeysNote: "Keys an upstream refused rest for a while; this list is of this server process only.",
  adminNoKeys: "No key is resting.",
  adminKey: "Key",
  adminReason: "Reason",
  adminReasonUnauthorized: "refused (401)",
  adminReasonQuota: "out of quota",
  adminReasonRateLimited: "rate-limited (429)",
  // durations
  adminSeconds: (n: number) => `${n} s`,
  adminMinutes: (n: number) => `${n} min`,
  adminHours: (h: number, min: number) => (min ? `${h} h ${min} min` : `${h} h`),
};

export type AdminMessages = {
  [K in keyof typeof adminEn]: (typeof adminEn)[K] extends (...a: infer A) => string ? (...a: A) => string : string;
};
