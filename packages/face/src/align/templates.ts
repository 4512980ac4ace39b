/**
 * Named facial landmarks. "left" and "right" are as seen in the image (the viewer's left), so
 * `leftEye` is the subject's right eye. Detectors fill what they can; templates name what they use.
 */
export type LandmarkName =
  | 'leftEye'
  | 'rightEye'
  | 'nose'
  | 'mouth'
  | 'mouthLeft'
  | 'mouthRight'
  | 'leftEyeOuter'
  | 'leftEyeInner'
  | 'rightEyeInner'
  | 'rightEyeOuter'
  | 'noseBase';

export type Landmarks = Partial<Record<LandmarkName, readonly [number, number]>>;

/** Where alignment puts each named landmark in a `width x height` crop. */
export interface LandmarkTemplate {
  readonly name: string;
  readonly width: number;
  readonly height: number;
  readonly points: Readonly<Partial<Record<LandmarkName, readonly [number, number]>>>;
  /**
   * Coarser stand-ins used only when a face lacks some of `points` (a detector's own keypoints
   * without the mesh stage): for example the eye centres instead of the eye corners.
   */
  readonly coarse?: Readonly<Partial<Record<LandmarkName, readonly [number, number]>>>;
}

/** The 112 x 112 template InsightFace's ArcFace models (and MobileFace) were trained on. */
export const ARCFACE_112: LandmarkTemplate = {
  name: 'arcface-112',
  width: 112,
  height: 112,
  points: {
    leftEye: [38.2946, 51.6963],
    rightEye: [73.5318, 51.5014],
    nose: [56.0252, 71.7366],
    mouthLeft: [41.5493, 92.3655],
    mouthRight: [70.7299, 92.2041],
  },
  coarse: { mouth: [56.1396, 92.2848] },
};

/**
 * dlib's face chip (`get_face_chip_details` with its 5-point model: eye corners and the base
 * of the nose, on the unit square), padded by `padding` on every side and scaled to `size`.
 * dlib's ResNet face descriptor, which face-api ports, was trained on 150 px chips, padding 0.25.
 */
export function dlibChipTemplate(size: number, padding: number): LandmarkTemplate {
  const place = (x: number, y: number): readonly [number, number] => [
    ((padding + x) / (1 + 2 * padding)) * size,
    ((padding + y) / (1 + 2 * padding)) * size,
  ];
  return {
    name: `dlib-chip-${size}-${padding}`,
    width: size,
    height: size,
    points: {
      rightEyeOuter: place(0.8595674595992, 0.2134981538014),
      rightEyeInner: place(0.6460604764104, 0.2289674387677),
      leftEyeOuter: place(0.1205750620789, 0.2137274526848),
      leftEyeInner: place(0.3340850613712, 0.2290642403242),
      noseBase: place(0.4901123135679, 0.6277975316475),
    },
    // Eye centres as the corners' midpoints, for faces that only have eye centres.
    coarse: {
      rightEye: place((0.8595674595992 + 0.6460604764104) / 2, (0.2134981538014 + 0.2289674387677) / 2),
      leftEye: place((0.1205750620789 + 0.3340850613712) / 2, (0.2137274526848 + 0.2290642403242) / 2),
    },
  };
}

/**
 * Rescales a template to another crop size, zooming about the crop centre (`zoom < 1` leaves
 * more context around the face, as models trained on looser crops expect).
 */
export function scaleTemplate(template: LandmarkTemplate, width: number, height: number, zoom = 1): LandmarkTemplate {
  const sx = width / template.width;
  const sy = height / template.height;
  const scale = (set: Readonly<Partial<Record<LandmarkName, readonly [number, number]>>>) => {
    const out: Partial<Record<LandmarkName, readonly [number, number]>> = {};
    for (const [name, [x, y]] of Object.entries(set) as [LandmarkName, readonly [number, number]][]) {
      out[name] = [((x - template.width / 2) * zoom + template.width / 2) * sx, ((y - template.height / 2) * zoom + template.height / 2) * sy];
    }
    return out;
  };
  return {
    name: zoom === 1 && sx === 1 && sy === 1 ? template.name : `${template.name}:${width}x${height}@${zoom}`,
    width,
    height,
    points: scale(template.points),
    coarse: template.coarse && scale(template.coarse),
  };
}

/**
 * Widens a template's crop by `expandPercentage` (deepface's expand_percentage): the face is
 * drawn `1 + expandPercentage / 100` times smaller about the crop centre, so more of its
 * surroundings fit in the same crop size. 0 returns the template itself.
 */
export function expandTemplate(template: LandmarkTemplate, expandPercentage: number): LandmarkTemplate {
  return expandPercentage > 0 ? scaleTemplate(template, template.width, template.height, 1 / (1 + expandPercentage / 100)) : template;
}
