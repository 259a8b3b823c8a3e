/**
 * The background every training image sits on. Mid-grey rather than black or white keeps transparent
 * areas at the centre of the generator's output range ([-1, 1] maps 128 to about 0), so the GAN does not
 * spend capacity learning a hard background colour.
 */
export const MID_GREY = Object.freeze({ r: 128, g: 128, b: 128, alpha: 1 });
