// Texts of the About and Balance sections of the settings page: loaded with
// that page (AboutSection reads them through texts()), not with the first screen.
export const aboutEn = {
  aboutTitle: "About",
  aboutLatest: (version: string) => `Latest release: ${version}`,
  aboutUpToDate: "You're up to date.",
  aboutUpdateAvailable: (version: string) => `Version ${version} is available.`,
  aboutReleased: (date: string) => `Released ${date}.`,
  aboutChangelog: "See what's new",
  aboutDockerLag: "Docker images follow releases by a day or two; if the new image is not there yet, pull again tomorrow.",
  aboutCheckDisabled: "This server does not check for new releases.",
  balanceTitle: "Balance",
  balanceLimit: "Limit",
  balanceUsed: "Used",
  balanceRemaining: "Remaining",
  balanceUnsupported: "OpenAI no longer lets API keys read the balance, and this upstream does not report it. See the usage page of your provider, for OpenAI:",
  balanceUpstreamSaid: (detail: string) => `The upstream answered: ${detail}`,
  balanceUnreachable: "The upstream could not be reached to read the balance. Try again later.",
  balanceNeedKey: "Enter the access code or your own API key to see the balance.",
};
