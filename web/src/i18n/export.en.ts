// Texts of the export and backup screens (merged into en.ts).
export const exportEn = {
  export: "Export",
};
