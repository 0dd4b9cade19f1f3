"""1D-ALVINN road simulator: geometry, rendering, labels, masks, determinism, arguments."""

from dataclasses import replace

import numpy as np
import pytest

from mtb.data import Patterns, TaskData
from mtb.domains.alvinn import (
    MAIN_TASK,
    TASKS,
    RoadConfig,
    generate,
    make_data,
    render,
    simulate_scenes,
)

STILL = dict(offset=(0.0, 0.0), heading_deg=(0.0, 0.0))  # vehicle centred and straight
ONE_LANE = dict(p_two_lanes=0.0)
FLAT = dict(road_grey=(0.8, 0.8), edge_contrast=(0.5, 0.5), p_darker_border=1.0,
            ramp=(0.0, 0.0), noise_sd=0.0)  # road 0.8, border 0.3, no ramp, no noise


def col(task: str) -> int:
    return TASKS.index(task)


def test_tasks_are_the_papers_nine():
    assert TASKS == ("1 or 2 lanes", "left edge", "right edge", "line center", "road center",
                     "road greylevel", "edge greylevel", "line greylevel", "steering")
    assert MAIN_TASK == "steering"


# --- geometry --------------------------------------------------------------------------

def test_centred_vehicle_sees_a_centred_road():
    config = RoadConfig(**STILL, **ONE_LANE)
    s = simulate_scenes(200, 0, config)
    mid = (config.image_cols - 1) / 2  # 15.5: between pixels 15 and 16
    np.testing.assert_allclose(s["left_edge_px"] + s["right_edge_px"], 2 * mid, atol=1e-9)
    np.testing.assert_allclose(s["road_center_px"], mid, atol=1e-9)
    assert np.all(s["left_edge_px"] < mid - 3)  # a real road, several pixels wide
    p = generate(200, 0, config)
    np.testing.assert_allclose(p.Y[:, col("road center")], 0.5, atol=1e-6)
    np.testing.assert_allclose(p.Y[:, col("steering")], 0.5, atol=1e-6)


def pinhole_ground_x(config: RoadConfig, vehicle_x: float, heading: float, u, v):
    """Independent check: back-project image points (continuous column `u`, row `v`; pixel
    k spans [k, k + 1]) with an explicit camera frame (forward, right, down vectors) and
    intersect the rays with the ground; returns their lateral positions in the road frame."""
    tilt = np.radians(config.tilt_deg)
    forward = np.array([np.sin(heading) * np.cos(tilt), np.cos(heading) * np.cos(tilt),
                        -np.sin(tilt)])
    right = np.array([np.cos(heading), -np.sin(heading), 0.0])
    down = np.cross(forward, right)
    a = (np.asarray(u) - config.image_cols / 2) / config.focal
    b = (np.asarray(v) - config.image_rows / 2) / config.focal
    ray = forward + a[..., None] * right + b[..., None] * down
    assert np.all(ray[..., 2] < 0)  # looks down at the ground
    return vehicle_x + config.camera_height / -ray[..., 2] * ray[..., 0]


def test_edges_land_where_a_pinhole_camera_puts_them():
    config = RoadConfig()
    s = simulate_scenes(50, 3, config)
    row = config.scan_row + 0.5
    labels = {"left_edge_px": -s["road_width"] / 2, "right_edge_px": s["road_width"] / 2,
              "road_center_px": np.zeros(50), "line_center_px": s["line_x"]}
    for i in range(50):
        for name, x in labels.items():
            if name == "line_center_px" and not s["two_lanes"][i]:
                assert np.isnan(s[name][i])
                continue
            back = pinhole_ground_x(config, s["vehicle_x"][i], s["heading"][i],
                                    s[name][i] + 0.5, row)
            assert back == pytest.approx(x[i], abs=1e-9), name


def test_moving_or_turning_the_vehicle_right_moves_the_road_left():
    base = simulate_scenes(100, 5, RoadConfig(**STILL))
    moved = simulate_scenes(100, 5, RoadConfig(offset=(0.5, 0.5), heading_deg=(0.0, 0.0)))
    turned = simulate_scenes(100, 5, RoadConfig(offset=(0.0, 0.0), heading_deg=(3.0, 3.0)))
    np.testing.assert_array_equal(base["road_width"], moved["road_width"])  # same roads
    for name in ("left_edge_px", "right_edge_px", "road_center_px"):
        assert np.all(moved[name] < base[name] - 0.5)
        assert np.all(turned[name] < base[name] - 0.5)


def test_pixels_integrate_area_so_the_edge_is_recoverable_to_sub_pixel_precision():
    config = RoadConfig(**STILL, **ONE_LANE, **FLAT)
    s = simulate_scenes(100, 7, config)
    x = render(s, config)  # no rng: noise-free
    road, border = 0.8, 0.3
    # Left of the road centre, each pixel's value is border + (road - border) * (area of
    # road); summing the border fraction recovers the edge (continuous column = px + 0.5).
    left_half = x[:, :16]
    border_area = ((road - left_half) / (road - border)).sum(axis=1)
    np.testing.assert_allclose(border_area, s["left_edge_px"] + 0.5, atol=1e-9)
    # Not point sampling: the pixel holding the edge is a mix of both greys.
    k = np.floor(s["left_edge_px"] + 0.5).astype(int)
    edge_pixel = x[np.arange(len(x)), k]
    assert np.all((edge_pixel > border) & (edge_pixel < road))
    # Far from the edges the pixels are pure.
    np.testing.assert_allclose(x[:, 15:17], road)


def test_pixels_are_the_area_average_over_their_square_of_a_slanted_edge():
    # Brute force: supersample each pixel's square on a 100 x 100 grid, back-project every
    # sample to the ground and average the grey of what it hits.
    config = RoadConfig(heading_deg=(-8.0, 8.0), **ONE_LANE, **FLAT)
    s = simulate_scenes(4, 8, config)
    x = render(s, config)
    grid = (np.arange(100) + 0.5) / 100
    for i in range(4):
        u = np.arange(32)[:, None, None] + grid[None, None, :]
        v = config.scan_row + grid[None, :, None] + 0 * u
        ground = pinhole_ground_x(config, s["vehicle_x"][i], s["heading"][i], u + 0 * v, v)
        on_road = np.abs(ground) < s["road_width"][i] / 2
        brute = np.where(on_road, 0.8, 0.3).mean(axis=(1, 2))
        np.testing.assert_allclose(x[i], brute, atol=2e-3)


def test_a_thin_centerline_brightens_its_pixel_only_when_visible():
    config = RoadConfig(**STILL, p_two_lanes=1.0, p_dashed=0.0, **FLAT)
    s = simulate_scenes(50, 11, config)
    assert s["line_visible"].all()
    with_line = render(s, config)
    without = render({**s, "line_visible": np.zeros(50, bool)}, config)
    diff = with_line - without
    assert np.all(diff >= -1e-12)
    k = np.floor(s["line_center_px"] + 0.5).astype(int)
    assert np.all(diff[np.arange(50), k] > 0.02)
    assert np.all(diff.sum(axis=1) < 0.5)  # a fraction of a pixel's worth of paint
    dashed = simulate_scenes(2000, 11, RoadConfig(p_two_lanes=1.0, p_dashed=1.0))
    assert 0.2 < dashed["line_visible"].mean() < 0.6  # the row often falls in a gap


# --- labels ----------------------------------------------------------------------------

def test_patterns_and_labels_are_in_range():
    p = generate(2000, 1)
    assert isinstance(p, Patterns) and p.X.shape == (2000, 32) and p.tasks == TASKS
    assert p.X.min() >= 0 and p.X.max() <= 1
    assert p.Y.min() >= 0 and p.Y.max() <= 1
    assert set(np.unique(p.Y[:, col("1 or 2 lanes")])) == {0.0, 1.0}
    assert p.Y[:, col("steering")].std() > 0.1  # steering varies a lot


def test_centerline_tasks_are_masked_exactly_on_one_lane_roads():
    s = simulate_scenes(1000, 2)
    p = generate(1000, 2)
    two = s["two_lanes"]
    assert 0.3 < two.mean() < 0.7
    np.testing.assert_array_equal(p.Y[:, col("1 or 2 lanes")] == 1, two)
    for task in TASKS:
        expected = two if task in ("line center", "line greylevel") else np.ones(1000, bool)
        np.testing.assert_array_equal(p.mask[:, col(task)], expected, err_msg=task)


def test_steering_brings_the_vehicle_to_its_lane_centre():
    # Larger steering values mean steer right; 0.5 is straight ahead.
    def steering(**kw):
        return generate(50, 4, RoadConfig(**kw)).Y[:, col("steering")]
    assert np.all(steering(offset=(-1.0, -0.3), heading_deg=(0, 0)) > 0.5)  # left of lane
    assert np.all(steering(offset=(0.3, 1.0), heading_deg=(0, 0)) < 0.5)  # right of lane
    assert np.all(steering(offset=(0, 0), heading_deg=(2, 6)) < 0.5)  # heading right
    # On a two-lane road the goal is the right lane: a car centred in it goes straight
    # although the road centre is to its left.
    p = generate(50, 4, RoadConfig(**STILL, p_two_lanes=1.0))
    np.testing.assert_allclose(p.Y[:, col("steering")], 0.5, atol=1e-6)
    assert np.all(p.Y[:, col("road center")] < 0.45)


# --- determinism and data sets ---------------------------------------------------------

def test_same_seed_same_patterns_different_seed_different_patterns():
    a, b, c = generate(300, 9), generate(300, 9), generate(300, 10)
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.Y, b.Y)
    np.testing.assert_array_equal(a.mask, b.mask)
    assert not np.allclose(a.X, c.X) and not np.allclose(a.Y, c.Y)


def test_make_data_splits_fresh_patterns():
    d = make_data(0, 40, 30, 20)
    assert isinstance(d, TaskData) and d.tasks == TASKS and d.n_inputs == 32
    assert (len(d.train), len(d.halt), len(d.test)) == (40, 30, 20)
    assert not np.allclose(d.train.X[:20], d.test.X)
    assert not np.allclose(make_data(1, 40, 30, 20).train.X, d.train.X)


# --- arguments -------------------------------------------------------------------------

@pytest.mark.parametrize("call, match", [
    (lambda: generate(0, 1), "n must be"),
    (lambda: generate(-5, 1), "n must be"),
    (lambda: simulate_scenes(10, -1), "seed"),
    (lambda: make_data(0, 10, -1, 10), "n_halt"),
    (lambda: make_data(0, 0, 10, 10), "n_train"),
])
def test_invalid_sizes_and_seeds_raise(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize("change, match", [
    (dict(camera_height=0.0), "camera_height"),
    (dict(p_two_lanes=1.5), "p_two_lanes"),
    (dict(offset=(1.0, -1.0)), "offset"),
    (dict(scan_row=30), "scan_row"),
    (dict(scan_row=5), "horizon"),
    (dict(noise_sd=-0.1), "noise_sd"),
    (dict(road_grey=(0.5, 1.5)), "road_grey"),
    (dict(max_curvature=0.0), "max_curvature"),
])
def test_bad_config_values_raise(change, match):
    with pytest.raises(ValueError, match=match):
        replace(RoadConfig(), **change)
