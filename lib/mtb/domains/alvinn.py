"""1D-ALVINN: one 32-pixel scan line of a simulated road image, and the paper's 9 tasks.

Pomerleau's road simulator is lost, so this is a small stand-in built from what the
paper says (section 3.1): the input is a single horizontal scan line of a 30x32 image of
a road; the labels are the simulator's own variables. Every constant is in `RoadConfig`.

* Camera: a pinhole 2 m above a flat road, tilted 15 deg down, 60 deg horizontal field
  of view, square pixels, 30 rows x 32 columns (row 0 at the top). The horizon falls at
  row 7.6. We keep row 12: it sees the ground 10.4-12.9 m ahead (11.5 m at its centre)
  and 13.4 m across, so a whole two-lane road fits most of the time, yet a 15 cm
  centerline still covers a third of a pixel.
* Road: straight (one row cannot see curvature). One lane, 3.5-6.5 m wide, or two lanes,
  5.5-8.5 m, each with probability 1/2; the widths overlap, so width alone does not tell
  the lane count. Two-lane roads have a thin painted centerline (10-20 cm; single or
  double; solid or dashed) at 45-55 % of the width, so the lanes are about half each.
  A dashed line lies under the scan row 40 % of the time; otherwise the row falls in a
  gap and this pattern shows no line although the road has two lanes.
* Vehicle: in the right lane of a two-lane road, in the middle of a one-lane road;
  lateral offset from that lane's centre U(-1.2, 1.2) m and heading U(-8, 8) deg
  relative to the road (positive = to the right).
* Pixels: grey levels are drawn per image: road 0.3-0.7; the bordering region 0.1-0.3
  darker (grass, dirt) or, in 1 image in 10, brighter (sand, snow), which defeats a
  linear read-out of the edges; paint 0.2-0.45 brighter than the road, saturating at 1.
  Each pixel is the area-weighted mean of the regions it covers, integrated exactly over
  the pixel's square (edges are straight but slanted in the image, which blurs them).
  Then an illumination ramp across the line (-0.2..0.2 from left to right end),
  Gaussian sensor noise (sd 0.03) and a clip to [0, 1].
* Steering: pure pursuit. The goal is the centre of the vehicle's lane 11.5 m ahead
  (about the distance the scan row sees, so the goal is in view); the target is the
  curvature kappa = 2 x / d^2 of the arc through it, x its lateral offset in vehicle
  coordinates (positive = right) and d its distance. Steering depends on where the
  centerline is, not only on the road edges.

Targets, all in [0, 1] (`TASKS` order): lanes 0 = one, 1 = two; locations are image
columns in pixel-index units (pixel k's centre is k, 0..31) divided by 31 and clipped to
[0, 1], so an edge outside the view reads as the image border it lies beyond; grey
levels are the surfaces' own grey (before ramp and noise); steering is
0.5 + 0.5 * clip(kappa / 0.04 m^-1, -1, 1), so values above 0.5 mean steer right.
"line center" and "line greylevel" are undefined (mask False) on one-lane roads.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from mtb.data import Patterns, TaskData, split_patterns

TASKS = ("1 or 2 lanes", "left edge", "right edge", "line center", "road center",
         "road greylevel", "edge greylevel", "line greylevel", "steering")
MAIN_TASK = "steering"
LINE_TASKS = ("line center", "line greylevel")  # defined on two-lane roads only

Range = tuple[float, float]


@dataclass(frozen=True)
class RoadConfig:
    """Every constant of the simulator; a `Range` is the (low, high) of a uniform draw.

    Camera and image: a pinhole `camera_height` m over a flat road, tilted `tilt_deg`
    down, `fov_deg` horizontal field of view, square pixels; the input is row
    `scan_row` (0 = top) of an `image_rows` x `image_cols` image.
    Road: the lane count, widths (m), the centerline's position (fraction of the width
    from the left edge), paint width (m), double lines, dashes.
    Vehicle: lateral offset (m) from the centre of its lane and heading (deg) relative to
    the road; positive = to the right.
    Appearance: grey levels in [0, 1] of road, bordering region and paint; the
    illumination ramp and the sensor noise.
    Steering: the pure-pursuit look-ahead (m) and the curvature (1/m) scaled to 0 and 1.
    Invalid values raise ValueError on construction.
    """

    # Camera and image: pinhole camera over a flat road; the scan row is `scan_row`
    # (0 = top) of an `image_rows` x `image_cols` image with square pixels.
    camera_height: float = 2.0  # m
    tilt_deg: float = 15.0  # optical axis below the horizontal
    fov_deg: float = 60.0  # horizontal field of view
    image_rows: int = 30
    image_cols: int = 32
    scan_row: int = 12

    # Road: lane count, widths (m), centerline position as a fraction of the width
    # from the left edge, paint width (m), double lines, dashes.
    p_two_lanes: float = 0.5
    one_lane_width: Range = (3.5, 6.5)
    two_lane_width: Range = (5.5, 8.5)
    line_position: Range = (0.45, 0.55)
    line_width: Range = (0.10, 0.20)
    p_double_line: float = 0.3
    double_line_gap: float = 0.12  # m between the two stripes of a double line
    p_dashed: float = 0.6
    dash_duty: float = 0.4  # fraction of a dashed line's length that is painted

    # Vehicle: lateral offset (m) from the centre of its lane and heading (deg) relative
    # to the road; positive = to the right.
    offset: Range = (-1.2, 1.2)
    heading_deg: Range = (-8.0, 8.0)

    # Appearance: grey levels in [0, 1]. The border is road - contrast with probability
    # `p_darker_border` (grass, dirt), else road + contrast (sand, snow); paint is brighter
    # than the road it is on (road + line contrast, saturating at 1); `ramp` is the
    # illumination change from the left to the right end of the line.
    road_grey: Range = (0.3, 0.7)
    edge_contrast: Range = (0.1, 0.3)
    p_darker_border: float = 0.9
    line_contrast: Range = (0.2, 0.45)
    ramp: Range = (-0.2, 0.2)
    noise_sd: float = 0.03

    # Steering: pure-pursuit look-ahead (m) and the curvature (1/m) scaled to 0 / 1.
    look_ahead: float = 11.5
    max_curvature: float = 0.04

    def __post_init__(self) -> None:
        _check_values(self)
        _check_geometry(self)

    @property
    def focal(self) -> float:
        """Focal length in pixels."""
        return self.image_cols / 2 / np.tan(np.radians(self.fov_deg) / 2)


def _check_values(c: RoadConfig) -> None:
    for f in fields(c):
        value = getattr(c, f.name)
        if isinstance(value, tuple) and not (len(value) == 2 and value[0] <= value[1]):
            raise ValueError(f"{f.name} must be a (low, high) range, got {value}")
    for name in ("camera_height", "fov_deg", "image_rows", "image_cols", "double_line_gap",
                 "look_ahead", "max_curvature"):
        if not getattr(c, name) > 0:
            raise ValueError(f"{name} must be positive, got {getattr(c, name)}")
    for name in ("p_two_lanes", "p_double_line", "p_dashed", "dash_duty", "p_darker_border"):
        if not 0 <= getattr(c, name) <= 1:
            raise ValueError(f"{name} must be a probability in [0, 1], got {getattr(c, name)}")
    for name in ("road_grey", "edge_contrast", "line_contrast"):
        if not 0 <= min(getattr(c, name)) <= max(getattr(c, name)) <= 1:
            raise ValueError(f"{name} must lie in [0, 1], got {getattr(c, name)}")
    if c.noise_sd < 0:
        raise ValueError(f"noise_sd must be >= 0, got {c.noise_sd}")


def _check_geometry(c: RoadConfig) -> None:
    if c.one_lane_width[0] <= 0 or c.line_width[0] <= 0:
        raise ValueError("one_lane_width and line_width must be positive")
    if not 0 < c.line_position[0] <= c.line_position[1] < 1:
        raise ValueError(f"line_position must lie in (0, 1), got {c.line_position}")
    narrowest_lane = c.two_lane_width[0] * min(c.line_position[0], 1 - c.line_position[1])
    if narrowest_lane <= c.line_width[1] + c.double_line_gap:
        raise ValueError("two_lane_width is too small for its centerline")
    if not 0 <= c.tilt_deg < 90 or c.fov_deg >= 180:
        raise ValueError("need 0 <= tilt_deg < 90 and fov_deg < 180")
    if max(abs(h) for h in c.heading_deg) >= 45:
        raise ValueError(f"heading_deg must stay within (-45, 45), got {c.heading_deg}")
    if not 0 <= c.scan_row < c.image_rows:
        raise ValueError(f"scan_row {c.scan_row} is outside 0..{c.image_rows - 1}")
    if _ground_depth(c, np.array(float(c.scan_row)))[0] <= 0:
        raise ValueError(f"scan_row {c.scan_row} reaches above the horizon")


# --- geometry --------------------------------------------------------------------------

def _ground_depth(config: RoadConfig, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where image row coordinate `v` (0 = top edge of the image) meets the ground.

    The pixel ray (a, b, 1) in camera coordinates (a right, b down) reaches the ground at
    scale t = h / (b cos tilt + sin tilt), `forward` = t (cos tilt - b sin tilt) metres
    ahead and a t metres to the side (vehicle coordinates). Returns (t, forward);
    t <= 0 means the ray misses the ground (at or above the horizon).
    """
    tilt = np.radians(config.tilt_deg)
    b = (v - config.image_rows / 2) / config.focal
    t = config.camera_height / (b * np.cos(tilt) + np.sin(tilt))
    return t, t * (np.cos(tilt) - b * np.sin(tilt))


def project(config: RoadConfig, x_world: np.ndarray, vehicle_x: np.ndarray,
            heading: np.ndarray, v: float) -> np.ndarray:
    """Image column (pixel-index units: pixel k's centre is k) of the road line at lateral
    position `x_world` (m, road frame) on image row coordinate `v`.

    A ground point a t to the side and `forward` ahead of the vehicle is at
    x = vehicle_x + a t cos(heading) + forward sin(heading) in the road frame; solve for a.
    """
    t, forward = _ground_depth(config, np.asarray(v, float))
    a = (x_world - vehicle_x - forward * np.sin(heading)) / (t * np.cos(heading))
    return config.image_cols / 2 + config.focal * a - 0.5


def pure_pursuit(offset: np.ndarray, heading: np.ndarray, look_ahead: float) -> np.ndarray:
    """Curvature (1/m, positive = turn right) of the arc to the lane centre `look_ahead` m
    down the road, for a vehicle `offset` m right of that centre, heading right by `heading`."""
    dx, dy = -offset, look_ahead  # goal relative to the vehicle, road frame
    side = dx * np.cos(heading) - dy * np.sin(heading)  # vehicle frame, right positive
    ahead = dx * np.sin(heading) + dy * np.cos(heading)
    return 2 * side / (side**2 + ahead**2)


# --- scenes ----------------------------------------------------------------------------

def _uniform(rng: np.random.Generator, bounds: Range, n: int) -> np.ndarray:
    return rng.uniform(bounds[0], bounds[1], n)


def simulate_scenes(n: int, seed: int, config: RoadConfig = RoadConfig()) -> dict[str, np.ndarray]:
    """Draw `n` road scenes: the simulator's variables, one array of length n each.

    World quantities are in metres / radians, road frame (x = 0 at the road centre,
    positive right); `*_px` are image columns on the scan row's centre (pixel-index
    units; `line_center_px` is NaN on one-lane roads); `curvature` is the steering target.
    """
    _check_count(n, "n")
    rng = np.random.default_rng([_check_seed(seed), 0])
    two = rng.random(n) < config.p_two_lanes
    width = np.where(two, _uniform(rng, config.two_lane_width, n),
                     _uniform(rng, config.one_lane_width, n))
    line_x = (_uniform(rng, config.line_position, n) - 0.5) * width  # centerline, road frame
    line_width = _uniform(rng, config.line_width, n)
    double = rng.random(n) < config.p_double_line
    dashed = rng.random(n) < config.p_dashed
    visible = two & ~(dashed & (rng.random(n) >= config.dash_duty))
    lane_x = np.where(two, (line_x + width / 2) / 2, 0.0)  # right lane / road centre
    offset = _uniform(rng, config.offset, n)
    heading = np.radians(_uniform(rng, config.heading_deg, n))
    road = _uniform(rng, config.road_grey, n)
    sign = np.where(rng.random(n) < config.p_darker_border, -1.0, 1.0)
    edge = np.clip(road + sign * _uniform(rng, config.edge_contrast, n), 0, 1)
    line = np.minimum(road + _uniform(rng, config.line_contrast, n), 1.0)
    ramp = _uniform(rng, config.ramp, n)

    vehicle_x = lane_x + offset
    row = config.scan_row + 0.5
    px = {name: project(config, x, vehicle_x, heading, row)
          for name, x in (("left_edge_px", -width / 2), ("right_edge_px", width / 2),
                          ("road_center_px", np.zeros(n)), ("line_center_px", line_x))}
    px["line_center_px"] = np.where(two, px["line_center_px"], np.nan)
    return dict(
        two_lanes=two, road_width=width, line_x=line_x, line_width=line_width,
        double_line=double & two, dashed=dashed & two, line_visible=visible,
        lane_x=lane_x, offset=offset, heading=heading, vehicle_x=vehicle_x,
        road_grey=road, edge_grey=edge, line_grey=line, ramp=ramp, **px,
        curvature=pure_pursuit(offset, heading, config.look_ahead),
    )


# --- rendering -------------------------------------------------------------------------

def _ramp_integral(x: np.ndarray) -> np.ndarray:
    """Antiderivative of clip(x, 0, 1)."""
    return np.where(x < 0, 0.0, np.where(x > 1, x - 0.5, x * x / 2))


def _left_of(top: np.ndarray, bottom: np.ndarray, cols: int) -> np.ndarray:
    """[n, cols] fraction of each pixel's square lying left of a straight edge that crosses
    the row at column coordinate `top` (row's top) and `bottom` (row's bottom); column
    coordinates here have pixel k spanning [k, k + 1]. Exact: mean over the row height of
    clip(edge - k, 0, 1), the edge moving linearly from top to bottom."""
    a = top[:, None] - np.arange(cols)
    b = bottom[:, None] - np.arange(cols)
    slant = b - a
    slanted = np.abs(slant) > 1e-9
    mean = (_ramp_integral(b) - _ramp_integral(a)) / np.where(slanted, slant, 1.0)
    return np.where(slanted, mean, np.clip((a + b) / 2, 0, 1))


def _coverage(scenes: dict[str, np.ndarray], config: RoadConfig, left: np.ndarray,
              right: np.ndarray) -> np.ndarray:
    """[n, cols] fraction of each pixel covered by the ground strip left < x < right (m)."""
    def edge(x: np.ndarray) -> np.ndarray:
        top, bottom = (project(config, x, scenes["vehicle_x"], scenes["heading"],
                               config.scan_row + dv) + 0.5 for dv in (0.0, 1.0))
        return _left_of(top, bottom, config.image_cols)
    return edge(right) - edge(left)


def _line_stripes(scenes: dict[str, np.ndarray], config: RoadConfig):
    """(left, right) road-frame bounds of the centerline's one or two stripes."""
    c, w = scenes["line_x"], scenes["line_width"]
    half_gap = config.double_line_gap / 2
    single = [(c - w / 2, c + w / 2), (c, c)]  # second stripe empty
    double = [(c - half_gap - w, c - half_gap), (c + half_gap, c + half_gap + w)]
    d = scenes["double_line"]
    return [(np.where(d, dl, sl), np.where(d, dr, sr))
            for (sl, sr), (dl, dr) in zip(single, double, strict=True)]


def render(scenes: dict[str, np.ndarray], config: RoadConfig = RoadConfig(),
           rng: np.random.Generator | None = None) -> np.ndarray:
    """[n, image_cols] scan lines in [0, 1] of `scenes` (from `simulate_scenes`).

    Area-integrated grey levels plus the illumination ramp; Gaussian noise of sd
    `config.noise_sd` is drawn from `rng`, or left out when `rng` is None.
    """
    n = len(scenes["road_width"])
    half = scenes["road_width"] / 2
    road = _coverage(scenes, config, -half, half)
    edge_grey, road_grey = scenes["edge_grey"][:, None], scenes["road_grey"][:, None]
    value = edge_grey + (road_grey - edge_grey) * road
    paint = sum(_coverage(scenes, config, lo, hi) for lo, hi in _line_stripes(scenes, config))
    shown = scenes["line_visible"][:, None]
    value = value + shown * (scenes["line_grey"][:, None] - road_grey) * paint
    across = (np.arange(config.image_cols) + 0.5) / config.image_cols - 0.5
    value = value + scenes["ramp"][:, None] * across
    if rng is not None and config.noise_sd > 0:
        value = value + rng.normal(0.0, config.noise_sd, (n, config.image_cols))
    return np.clip(value, 0.0, 1.0)


# --- patterns --------------------------------------------------------------------------

def targets(scenes: dict[str, np.ndarray], config: RoadConfig = RoadConfig()
            ) -> tuple[np.ndarray, np.ndarray]:
    """(Y, mask), both [n, 9] in `TASKS` order, targets scaled to [0, 1]."""
    def column(px: np.ndarray) -> np.ndarray:
        return np.clip(np.nan_to_num(px) / (config.image_cols - 1), 0.0, 1.0)
    steer = 0.5 + 0.5 * np.clip(scenes["curvature"] / config.max_curvature, -1.0, 1.0)
    columns = {
        "1 or 2 lanes": scenes["two_lanes"].astype(float),
        "left edge": column(scenes["left_edge_px"]),
        "right edge": column(scenes["right_edge_px"]),
        "line center": column(scenes["line_center_px"]),
        "road center": column(scenes["road_center_px"]),
        "road greylevel": scenes["road_grey"],
        "edge greylevel": scenes["edge_grey"],
        "line greylevel": scenes["line_grey"],
        "steering": steer,
    }
    Y = np.stack([columns[t] for t in TASKS], axis=1)
    mask = np.ones(Y.shape, bool)
    for t in LINE_TASKS:
        mask[:, TASKS.index(t)] = scenes["two_lanes"]
    return Y, mask


def generate(n: int, seed: int, config: RoadConfig = RoadConfig()) -> Patterns:
    """`n` fresh 1D-ALVINN patterns: 32 grey levels in [0, 1] -> the 9 tasks."""
    scenes = simulate_scenes(n, seed, config)
    X = render(scenes, config, np.random.default_rng([seed, 1]))
    Y, mask = targets(scenes, config)
    return Patterns(X, Y, mask, TASKS)


def make_data(seed: int, n_train: int, n_halt: int, n_test: int,
              config: RoadConfig = RoadConfig()) -> TaskData:
    """Training, halt and test patterns for one seed (disjoint, freshly drawn)."""
    for name, size in (("n_train", n_train), ("n_halt", n_halt), ("n_test", n_test)):
        _check_count(size, name)
    return split_patterns(generate(n_train + n_halt + n_test, seed, config),
                          n_train, n_halt, n_test)


def _check_count(n: int, name: str) -> None:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n <= 0:
        raise ValueError(f"{name} must be a positive integer, got {n!r}")


def _check_seed(seed: int) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    return int(seed)
