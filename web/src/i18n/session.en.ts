// Texts of the access-code session, the code's limits and its usage (merged into en.ts).
export const sessionEn = {
  // Errors shown in the conversation
  errorCodeExpired: "This access code has expired: ask the server owner for a new one.",
  errorSessionExpired: "You have been signed out: sign in again with the access code on the settings page.",
  limitRequestsPerMinute: (value: string) => `This access code allows ${value} requests a minute.`,
  limitTokensPerDay: (value: string) => `This code's daily token budget is used up (${value} tokens).`,
  limitTokensPerMonth: (value: string) => `This code's monthly token budget is used up (${value} tokens).`,
  limitCostPerDay: (value: string) => `This code's daily spending limit is reached (${value}, estimated).`,
  limitCostPerMonth: (value: string) => `This code's monthly spending limit is reached (${value}, estimated).`,
  limitOther: "This access code has reached one of its limits.",
  limitTryIn: (wait: string) => `Try again in ${wait}.`,
  limitAndWhen: (what: string, when: string) => (when ? `${what} ${when}` : what),
  resetsAt: (day: string, time: string) => (day ? `It resets on ${day} at ${time}.` : `It resets today at ${time}.`),
  // Settings: signing in
  signIn: "Sign in",
  signOut: "Sign out",
  signedIn: "Signed in with an access code.",
  signedInAs: (label: string) => `Signed in as “${label}”.`,
  signInHint: "This browser stays signed in; the code itself is not kept in it.",
  // Settings: usage of the code
  usageTitle: "Usage",
  usageToday: "Today",
  usageMonth: "This month",
  usageRequests: "Requests",
  usageTokens: "Tokens",
  usageCost: "Estimated cost",
  usageOf: (used: string, limit: string) => `${used} of ${limit}`,
  usageResets: "Resets",
  usagePerMinute: (n: string) => `At most ${n} requests a minute.`,
  usageExpires: (date: string) => `This access code works until ${date}.`,
};
