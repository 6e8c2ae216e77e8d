// Texts of images and reasoning (merged into en.ts).
export const mediaEn = {
  attachImages: "Attach images",
  attachedImage: (n: number) => `Image ${n}`,
  removeImage: (n: number) => `Remove image ${n}`,
  noVision: (model: string) => `${model} can't see images.`,
  tooManyImages: (n: number) => `At most ${n} images per message.`,
  notAnImage: (name: string) => `Not an image: ${name}`,
  imageTooLarge: (name: string, mb: number) => `Larger than ${mb} MB: ${name}`,
  imageUnreadable: (name: string) => `Can't read the image ${name}`,
  imageNote: "[image]",
  thoughtFor: (seconds: number) => `Thought for ${seconds} s`,
  thought: "Thought",
};
