"""1D-DOORS: a door-scene renderer standing in for Caruana's lost robot images.

Model. A hallway wall is a plane; world position u (metres) runs along it, u = 0 at the
centre of the doorway. From left to right the knob-height row crosses: wall | left jamb |
shadow gap | door leaf | seam | door leaf | shadow gap | right jamb | wall. A single door
has a seam of zero width and one knob near its latch edge (left or right); a double door
has a dark seam in the middle and two knobs, one either side of it. A pinhole camera
(focal length from the field of view) stands `distance` metres from the wall, yawed by
`yaw` (the robot is not parallel to the wall) and aimed so the doorway centre lies within
`aim_deg` of the optical axis; every world edge is projected to its image x exactly.
Scenes whose doorway does not fit in the image are redrawn (rejection sampling).
Rendering is exact box integration along x (sub-pixel edges); across rows the knob is a
disc sampled at each row centre, with a specular highlight disc whose offset follows the
light. Colours (RGB) of wall, jambs, door and knob vary per scene; the row band then gets a
mild multiplicative texture (vertical grain, image space), a lighting gain and horizontal
gradient, and Gaussian sensor noise, and is clipped to [0, 1].
Input (as in the paper): the green and the blue channel of the knob row, each Gaussian
smoothed and resampled from `width` to `n_stripe` pixels: 30 green then 30 blue values.
Labels (from the geometry, not hand-clicked): locations are image x / width in [0, 1]
(x = 0 is the image's left border); jamb location is the projected centre of the jamb,
doorway centre the projected u = 0, door edges the outer edges of the leaves (the
jamb's inner edge plus the shadow gap); doorway width is the distance between the jambs'
inner edges / width; jamb widths are divided by `jamb_width_scale_px`. Door type is 0
(single) or 1 (double). Doorknob location of a double door is the projected midpoint of
its two knobs (the seam, since both knobs sit the same distance from it): a symmetric
rule that picks neither leaf. Every target is defined in every scene (all masks True).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from scipy.ndimage import gaussian_filter1d

from mtb.data import Patterns, TaskData, split_patterns

TASKS = ("doorknob location", "door type", "doorway center", "doorway width",
         "left jamb location", "right jamb location", "left jamb width", "right jamb width",
         "left door edge", "right door edge")
MAIN_TASKS = ("doorknob location", "door type")
# left-to-right regions of the knob row; EDGES[k] separates REGIONS[k] and REGIONS[k + 1]
REGIONS = ("wall", "jamb", "gap", "door", "seam", "door", "gap", "jamb", "wall")
EDGES = ("left jamb outer", "left jamb inner", "left door edge", "seam left", "seam right",
         "right door edge", "right jamb inner", "right jamb outer")
WOOD = (0.55, 0.38, 0.22)
KNOB_FINISHES = ((0.78, 0.62, 0.28), (0.72, 0.72, 0.75), (0.15, 0.14, 0.13))  # brass, steel, black

Range = tuple[float, float]


@dataclass(frozen=True)
class DoorConfig:
    """Every constant of the domain. Lengths in metres, angles in degrees, images in pixels."""

    width: int = 150                 # rendered image width (the paper's 150)
    rows: int = 9                    # rows in the rendered band; the knob row is the middle one
    n_stripe: int = 30               # pixels per stripe after resampling
    stripe_sigma: float = 2.0        # Gaussian smoothing before resampling (full-width pixels)
    fov_deg: float = 60.0            # horizontal field of view of the camera
    distance: Range = (2.0, 4.0)     # camera to wall
    yaw_deg: float = 20.0            # |yaw| of the camera relative to the wall normal, at most
    aim_deg: float = 12.0            # |bearing of the doorway centre off the optical axis|
    p_double: float = 0.5            # probability of a double door
    single_width: Range = (0.75, 0.95)   # opening between the jambs, single door
    double_width: Range = (1.2, 1.6)     # opening between the jambs, double door
    jamb_width: Range = (0.04, 0.15)     # each jamb independently
    gap_width: float = 0.008         # dark shadow gap between jamb and leaf
    seam_width: float = 0.025        # dark seam (meeting stiles) between double-door leaves
    shadow: float = 0.3              # gap and seam colour = shadow * door colour
    knob_inset: Range = (0.06, 0.09)     # knob centre to the latch edge (or to the seam)
    knob_radius: Range = (0.025, 0.035)
    highlight_radius: float = 0.3    # highlight radius / knob radius
    highlight_shift: float = 0.5     # highlight centre offset, at most, / knob radius
    highlight_mix: float = 0.7       # highlight colour = knob + mix * (1 - knob)
    p_wood: float = 0.5              # probability that the door (and jamb) is wood
    gain: Range = (0.7, 1.2)         # lighting gain
    gradient: float = 0.4            # |horizontal lighting slope| across the image, at most
    texture: float = 0.05            # texture amplitude (relative), at most
    texture_sigma: float = 1.5       # texture correlation length (pixels)
    noise_sigma: float = 0.015       # sensor noise per pixel and channel
    margin_px: float = 2.0           # the outer jamb edges stay this far inside the image
    jamb_width_scale_px: float = 20.0    # jamb widths (pixels) are divided by this

    def __post_init__(self) -> None:
        if self.width < self.n_stripe or self.n_stripe < 2:
            raise ValueError(f"need width >= n_stripe >= 2, got {self.width}, {self.n_stripe}")
        if self.rows < 1 or self.rows % 2 == 0:
            raise ValueError(f"rows must be odd and positive, got {self.rows}")
        if not 0 < self.fov_deg < 170:
            raise ValueError(f"fov_deg must be in (0, 170), got {self.fov_deg}")
        for name in ("distance", "single_width", "double_width", "jamb_width", "knob_inset",
                     "knob_radius", "gain"):
            lo, hi = getattr(self, name)
            if not 0 < lo <= hi:
                raise ValueError(f"{name} must be a range 0 < lo <= hi, got {(lo, hi)}")
        for name in ("p_double", "p_wood", "shadow", "highlight_mix", "highlight_radius"):
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(f"{name} must be in [0, 1], got {getattr(self, name)}")
        for name in ("yaw_deg", "aim_deg", "gap_width", "seam_width", "highlight_shift",
                     "gradient", "texture", "noise_sigma", "margin_px"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0, got {getattr(self, name)}")
        for name in ("stripe_sigma", "texture_sigma", "jamb_width_scale_px"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be > 0, got {getattr(self, name)}")
        if self.yaw_deg + self.aim_deg + self.fov_deg / 2 >= 80:
            raise ValueError("yaw_deg + aim_deg + fov_deg / 2 must stay below 80 degrees")
        if self.highlight_shift + self.highlight_radius > 1:
            raise ValueError("highlight_shift + highlight_radius must be <= 1 (inside the knob)")

    @property
    def focal_px(self) -> float:
        return self.width / 2 / np.tan(np.radians(self.fov_deg) / 2)


# ---------------------------------------------------------------- scenes
def _uniform(rng: np.random.Generator, r: Range, n: int) -> np.ndarray:
    return rng.uniform(r[0], r[1], n)


def _colours(rng: np.random.Generator, n: int, config: DoorConfig) -> dict[str, np.ndarray]:
    """Pale tinted walls; wood or painted doors and jambs; brass, steel or black knobs."""
    wall = rng.uniform(0.55, 0.9, (n, 1)) + rng.normal(0, 0.03, (n, 3))
    wood = np.array(WOOD) * rng.uniform(0.6, 1.3, (n, 1)) + rng.normal(0, 0.03, (n, 3))
    is_wood = rng.random((n, 1)) < config.p_wood
    door = np.where(is_wood, wood, rng.uniform(0.15, 0.85, (n, 3)))
    painted_jamb = 0.5 * rng.uniform(0.1, 0.9, (n, 1)) + 0.5 * rng.uniform(0.1, 0.9, (n, 3))
    jamb = np.where(is_wood & (rng.random((n, 1)) < 0.5), wood * 0.85, painted_jamb)
    finish = np.array(KNOB_FINISHES)[rng.integers(0, len(KNOB_FINISHES), n)]
    knob = finish * rng.uniform(0.85, 1.1, (n, 1))
    colours = {"wall_rgb": wall, "jamb_rgb": jamb, "door_rgb": door, "knob_rgb": knob,
               "gap_rgb": config.shadow * door, "seam_rgb": config.shadow * door,
               "highlight_rgb": knob + config.highlight_mix * (1 - knob)}
    return {k: np.clip(v, 0, 1) for k, v in colours.items()}


def _world(rng: np.random.Generator, n: int, config: DoorConfig) -> dict[str, np.ndarray]:
    """Scene variables in world units (metres, radians) and colours."""
    double = rng.random(n) < config.p_double
    opening = np.where(double, _uniform(rng, config.double_width, n),
                       _uniform(rng, config.single_width, n))
    side = rng.choice([-1.0, 1.0], n)          # single door: knob near the left (-1) or right
    inset, radius = _uniform(rng, config.knob_inset, n), _uniform(rng, config.knob_radius, n)
    seam = np.where(double, config.seam_width, 0.0)
    single_knob = side * (opening / 2 - config.gap_width - inset)
    yaw = np.radians(rng.uniform(-config.yaw_deg, config.yaw_deg, n))
    aim = np.radians(rng.uniform(-config.aim_deg, config.aim_deg, n))
    distance = _uniform(rng, config.distance, n)
    scenes = {
        "door_type": double.astype(float), "opening": opening, "seam": seam,
        "jamb_left": _uniform(rng, config.jamb_width, n),
        "jamb_right": _uniform(rng, config.jamb_width, n),
        "knob_u": np.stack([np.where(double, -(seam / 2 + inset), single_knob),
                            np.where(double, seam / 2 + inset, single_knob)], 1),
        "knob_radius": np.stack([radius, np.where(double, radius, 0.0)], 1),
        "highlight_shift": rng.uniform(-config.highlight_shift, config.highlight_shift, n),
        "distance": distance, "yaw": yaw,
        "camera_u": -distance * np.tan(yaw + aim),   # doorway centre at bearing `aim` off axis
        "gain": _uniform(rng, config.gain, n),
        "gradient": rng.uniform(-config.gradient, config.gradient, n),
        "texture": rng.uniform(0, config.texture, n),
    }
    return scenes | _colours(rng, n, config)


def image_x(u: np.ndarray, scenes: dict[str, np.ndarray],
            config: DoorConfig) -> tuple[np.ndarray, np.ndarray]:
    """Image x (pixels from the left border) and camera depth of wall points u [n, k]."""
    du = u - scenes["camera_u"][:, None]
    d, yaw = scenes["distance"][:, None], scenes["yaw"][:, None]
    x_cam = du * np.cos(yaw) - d * np.sin(yaw)
    depth = du * np.sin(yaw) + d * np.cos(yaw)
    return config.width / 2 + config.focal_px * x_cam / depth, depth


def project_scenes(scenes: dict[str, np.ndarray], config: DoorConfig) -> dict[str, np.ndarray]:
    """Add the image x of every edge, jamb centre, knob and highlight to world `scenes`."""
    half, g, s = scenes["opening"] / 2, config.gap_width, scenes["seam"] / 2
    jl, jr = scenes["jamb_left"], scenes["jamb_right"]
    edges_u = np.stack([-half - jl, -half, -half + g, -s, s, half - g, half, half + jr], 1)
    marks_u = np.stack([np.zeros_like(half), -half - jl / 2, half + jr / 2,
                        scenes["knob_u"].mean(1)], 1)
    ku, kr = scenes["knob_u"], scenes["knob_radius"]
    hu = ku + scenes["highlight_shift"][:, None] * kr
    hr = config.highlight_radius * kr
    discs_u = np.concatenate([ku - kr, hu - hr, ku, hu, ku + kr, hu + hr], 1)
    edges_x, edges_depth = image_x(edges_u, scenes, config)
    marks_x, _ = image_x(marks_u, scenes, config)
    discs_x, discs_depth = image_x(discs_u, scenes, config)
    left, centre, right = discs_x.reshape(-1, 3, 4).transpose(1, 0, 2)
    depth = discs_depth[:, 4:8]
    return scenes | {
        "edges_x": edges_x, "min_depth": np.minimum(edges_depth.min(1), depth.min(1)),
        "doorway_center_x": marks_x[:, 0], "jamb_center_x": marks_x[:, 1:3],
        "knob_x": marks_x[:, 3],
        # four discs (knob 1, knob 2, highlight 1, highlight 2): image left, centre, right
        # and vertical radius (pixels)
        "disc_left_x": left, "disc_center_x": centre, "disc_right_x": right,
        "disc_radius_y": config.focal_px * np.concatenate([kr, hr], 1) / depth,
    }


def _in_view(scenes: dict[str, np.ndarray], config: DoorConfig) -> np.ndarray:
    e = scenes["edges_x"]
    jamb_px = np.stack([e[:, 1] - e[:, 0], e[:, 7] - e[:, 6]], 1)
    return ((scenes["min_depth"] > 0) & (e[:, 0] >= config.margin_px)
            & (e[:, 7] <= config.width - config.margin_px)
            & (jamb_px <= config.jamb_width_scale_px).all(1))


def simulate_scenes(n: int, seed: int, config: DoorConfig = DoorConfig()) -> dict[str, np.ndarray]:
    """`n` scenes whose doorway is fully in view: world variables, colours, image x of edges."""
    if n <= 0:
        raise ValueError(f"n must be positive, got {n}")
    rng = np.random.default_rng(seed)
    batches, have = [], 0
    for _ in range(100):
        scenes = project_scenes(_world(rng, 2 * (n - have) + 16, config), config)
        keep = _in_view(scenes, config)
        batches.append({k: v[keep] for k, v in scenes.items()})
        have += int(keep.sum())
        if have >= n:
            return {k: np.concatenate([b[k] for b in batches])[:n] for k in batches[0]}
    raise ValueError("the doorway rarely fits in the image: check distance, fov and widths")


def labels(scenes: dict[str, np.ndarray], config: DoorConfig) -> np.ndarray:
    """Targets [n, 10] in the order of TASKS, from the projected geometry."""
    e, w = scenes["edges_x"], config.width
    columns = [scenes["knob_x"] / w, scenes["door_type"], scenes["doorway_center_x"] / w,
               (e[:, 6] - e[:, 1]) / w, scenes["jamb_center_x"][:, 0] / w,
               scenes["jamb_center_x"][:, 1] / w, (e[:, 1] - e[:, 0]) / config.jamb_width_scale_px,
               (e[:, 7] - e[:, 6]) / config.jamb_width_scale_px, e[:, 2] / w, e[:, 5] / w]
    return np.stack(columns, 1)


# ---------------------------------------------------------------- rendering
def _coverage(left: np.ndarray, right: np.ndarray, width: int) -> np.ndarray:
    """Fraction of each pixel [i, i + 1) covered by the interval [left, right); adds an axis."""
    i = np.arange(width)
    return np.clip(np.minimum(right[..., None], i + 1) - np.maximum(left[..., None], i), 0, 1)


def _row_band(scenes: dict[str, np.ndarray], config: DoorConfig) -> np.ndarray:
    """Noise-free, evenly lit band [n, rows, width, 3]: regions, then knobs and highlights."""
    colours = np.stack([scenes[f"{r}_rgb"] for r in REGIONS], 1)             # [n, 9, 3]
    right_of_edge = np.clip(np.arange(config.width) + 1 - scenes["edges_x"][..., None], 0, 1)
    row = colours[:, None, 0] + right_of_edge.transpose(0, 2, 1) @ np.diff(colours, axis=1)
    band = np.repeat(row[:, None], config.rows, axis=1)
    dy = np.arange(config.rows) - config.rows // 2
    ry = np.maximum(scenes["disc_radius_y"], 1e-9)[:, :, None]               # [n, 4, 1]
    chord = np.sqrt(np.clip(1 - (dy / ry) ** 2, 0, None))                    # [n, 4, rows]
    centre = scenes["disc_center_x"][:, :, None]
    left = centre - (centre - scenes["disc_left_x"][:, :, None]) * chord
    right = centre + (scenes["disc_right_x"][:, :, None] - centre) * chord
    cover = _coverage(left, right, config.width)                             # [n, 4, rows, w]
    knob_step = scenes["knob_rgb"] - scenes["door_rgb"]
    highlight_step = scenes["highlight_rgb"] - scenes["knob_rgb"]
    steps = np.stack([knob_step, knob_step, highlight_step, highlight_step], 1)
    return band + cover.transpose(0, 2, 3, 1) @ steps[:, None]


def render_image(scenes: dict[str, np.ndarray], config: DoorConfig = DoorConfig(),
                 rng: np.random.Generator | int = 0) -> np.ndarray:
    """Rendered band of rows around the knob height, [n, rows, width, 3] in [0, 1]."""
    rng = np.random.default_rng(rng)
    band = _row_band(scenes, config)
    n, rows, w, _ = band.shape
    grain = gaussian_filter1d(rng.standard_normal((n, 1, w)), config.texture_sigma, axis=-1)
    grain *= np.sqrt(2 * np.sqrt(np.pi) * config.texture_sigma)              # unit variance
    x = (np.arange(w) + 0.5) / w - 0.5
    light = scenes["gain"][:, None] * (1 + scenes["gradient"][:, None] * x)  # [n, w]
    shade = light[:, None, :] * (1 + scenes["texture"][:, None, None] * grain)
    band = band * shade[..., None] + rng.normal(0, config.noise_sigma, band.shape)
    return np.clip(band, 0, 1)


def stripes(images: np.ndarray, config: DoorConfig = DoorConfig()) -> np.ndarray:
    """Green then blue of the middle (knob) row, smoothed and resampled: [n, 2 * n_stripe]."""
    images = np.asarray(images, float)
    if images.ndim != 4 or images.shape[-1] != 3:
        raise ValueError(f"images must be [n, rows, width, 3], got shape {images.shape}")
    row = images[:, images.shape[1] // 2, :, 1:3].transpose(0, 2, 1)         # [n, 2, width]
    smooth = gaussian_filter1d(row, config.stripe_sigma, axis=-1, mode="nearest")
    w = row.shape[-1]
    at = np.clip((np.arange(config.n_stripe) + 0.5) * w / config.n_stripe - 0.5, 0, w - 1)
    i = np.minimum(at.astype(int), w - 2)
    frac = at - i
    resampled = smooth[..., i] * (1 - frac) + smooth[..., i + 1] * frac
    return resampled.reshape(len(images), -1)


# ---------------------------------------------------------------- patterns
def generate(n: int, seed: int, config: DoorConfig = DoorConfig()) -> Patterns:
    """`n` fresh 1D-DOORS patterns: 60 stripe inputs, the 10 TASKS as targets.

    Only the knob row is rendered (rows=1): the stripes need no other row.
    """
    scenes = simulate_scenes(n, seed, config)
    images = render_image(scenes, replace(config, rows=1), np.random.default_rng([seed, 1]))
    Y = labels(scenes, config)
    return Patterns(stripes(images, config), Y, np.ones(Y.shape, bool), TASKS)


def make_data(seed: int, n_train: int, n_halt: int, n_test: int,
              config: DoorConfig = DoorConfig()) -> TaskData:
    """Training, halt and test patterns for one seed (fresh scenes per seed)."""
    for name, size in (("n_train", n_train), ("n_halt", n_halt), ("n_test", n_test)):
        if size <= 0:
            raise ValueError(f"{name} must be positive, got {size}")
    return split_patterns(generate(n_train + n_halt + n_test, seed, config),
                          n_train, n_halt, n_test)
