"""1D-DOORS renderer: labels match the rendered geometry, stripes, camera, API contracts."""

from dataclasses import replace

import numpy as np
import pytest
from scipy.stats import norm

from mtb.domains import doors
from mtb.domains.doors import MAIN_TASKS, TASKS, DoorConfig

# noise-free, untextured, evenly lit, no shadow gap: pixels are exact box integrals
CLEAN = DoorConfig(noise_sigma=0.0, texture=0.0, gain=(1.0, 1.0), gradient=0.0, gap_width=0.0)
WALL, JAMB, DOOR, KNOB = (0.9, 0.9, 0.9), (0.3, 0.5, 0.7), (0.6, 0.4, 0.2), (0.1, 0.8, 0.1)


def painted(scenes, **colours):
    """Scenes with fixed, distinct colours (knob = door unless given: invisible)."""
    n = len(scenes["door_type"])
    fixed = {"wall_rgb": WALL, "jamb_rgb": JAMB, "door_rgb": DOOR, "knob_rgb": DOOR,
             "highlight_rgb": DOOR, "gap_rgb": DOOR, "seam_rgb": DOOR} | colours
    return scenes | {k: np.tile(np.asarray(v, float), (n, 1)) for k, v in fixed.items()}


def knob_row(scenes, config=CLEAN):
    return doors.render_image(scenes, config, 0)[:, config.rows // 2]


def test_colour_changes_at_the_labelled_edges_with_subpixel_area():
    scenes = painted(doors.simulate_scenes(40, 1, CLEAN))
    row, Y = knob_row(scenes), doors.labels(scenes, CLEAN)
    w = CLEAN.width
    e = scenes["edges_x"]
    np.testing.assert_allclose(Y[:, TASKS.index("left door edge")] * w, e[:, 1])  # gap 0
    np.testing.assert_allclose(Y[:, TASKS.index("right door edge")] * w, e[:, 6])
    np.testing.assert_allclose(Y[:, TASKS.index("doorway width")] * w, e[:, 6] - e[:, 1])
    np.testing.assert_allclose(Y[:, TASKS.index("left jamb width")] * CLEAN.jamb_width_scale_px,
                               e[:, 1] - e[:, 0])
    left_jamb = Y[:, TASKS.index("left jamb location")] * w
    assert ((e[:, 0] < left_jamb) & (left_jamb < e[:, 1])).all()
    boundaries = [(e[:, 0], WALL, JAMB), (e[:, 1], JAMB, DOOR), (e[:, 6], DOOR, JAMB),
                  (e[:, 7], JAMB, WALL)]
    for x, left, right in boundaries:
        i = np.floor(x).astype(int)
        part_left = (x - i)[:, None]  # the pixel [i, i + 1) holds the edge
        expected = part_left * np.array(left) + (1 - part_left) * np.array(right)
        np.testing.assert_allclose(row[np.arange(len(x)), i], expected, atol=1e-9)
        np.testing.assert_allclose(row[np.arange(len(x)), i - 1], np.tile(left, (len(x), 1)))
        np.testing.assert_allclose(row[np.arange(len(x)), i + 1], np.tile(right, (len(x), 1)))


def test_knob_pixels_sit_at_the_knob_label():
    scenes = painted(doors.simulate_scenes(40, 2, CLEAN), knob_rgb=KNOB, highlight_rgb=KNOB,
                     jamb_rgb=DOOR)  # jambs like the door: only the knob differs inside the wall
    row, Y, w = knob_row(scenes), doors.labels(scenes, CLEAN), CLEAN.width
    x = np.arange(w) + 0.5
    knobness = np.abs(row - np.array(DOOR)).sum(-1)
    knobness *= (x > scenes["edges_x"][:, [0]] + 1) & (x < scenes["edges_x"][:, [7]] - 1)
    label = Y[:, [0]] * w
    left, right = knobness * (x < label), knobness * (x > label)
    single = scenes["door_type"] == 0
    # box-integrated pixels conserve the knob's width; their centroid is good to a pixel/4
    coverage = knobness / np.abs(np.array(KNOB) - np.array(DOOR)).sum()
    knob_px = scenes["disc_right_x"][:, :2] - scenes["disc_left_x"][:, :2]
    np.testing.assert_allclose(coverage.sum(1), knob_px.sum(1), atol=1e-9)
    centroid = (knobness * x).sum(1) / knobness.sum(1)
    np.testing.assert_allclose(centroid[single], label[single, 0], atol=0.25)
    # a double door: one knob either side of the label, which is the seam
    double = ~single
    assert (left[double].sum(1) > 0).all() and (right[double].sum(1) > 0).all()
    np.testing.assert_allclose(label[double, 0], scenes["doorway_center_x"][double])
    for blob, k in ((left, 0), (right, 1)):
        centroid = (blob * x).sum(1) / np.maximum(blob.sum(1), 1e-12)
        np.testing.assert_allclose(centroid[double], scenes["disc_center_x"][double, k],
                                   atol=0.25)
    # a single door's knob is near one door edge
    to_edge = np.minimum(Y[:, 0] - Y[:, 8], Y[:, 9] - Y[:, 0])
    assert (to_edge[single] < 0.25 * Y[single, 3]).all()


def test_double_doors_have_a_seam_and_single_doors_do_not():
    scenes = painted(doors.simulate_scenes(60, 3, CLEAN), seam_rgb=(0.0, 0.0, 0.0))
    row = knob_row(scenes)
    centre = np.floor(scenes["doorway_center_x"]).astype(int)
    at_centre = row[np.arange(len(row)), centre].sum(-1)
    double = scenes["door_type"] == 1
    assert set(np.unique(doors.labels(scenes, CLEAN)[:, 1])) == {0.0, 1.0}
    assert (at_centre[double] < 0.9 * sum(DOOR)).all()
    np.testing.assert_allclose(at_centre[~double], sum(DOOR))


def test_stripes_of_a_constant_image_are_constant():
    images = np.zeros((2, 3, 150, 3))
    images[..., 1], images[..., 2] = 0.2, 0.7
    x = doors.stripes(images, DoorConfig())
    assert x.shape == (2, 60)
    np.testing.assert_allclose(x[:, :30], 0.2)
    np.testing.assert_allclose(x[:, 30:], 0.7)


@pytest.mark.parametrize("edge", [75.0, 83.0, 41.5])
def test_a_step_edge_lands_where_it_should_after_resampling(edge):
    config = DoorConfig()
    x = np.arange(150) + 0.5
    images = np.zeros((1, 1, 150, 3))
    images[0, 0, :, 1] = np.clip(x - edge + 0.5, 0, 1)  # exact box integral of a step
    green = doors.stripes(images, config)[0, :30]
    centres = (np.arange(30) + 0.5) * 5  # stripe pixel centres in full-width pixels
    sigma = np.hypot(config.stripe_sigma, np.sqrt(1 / 12))  # smoothing of a box-sampled step
    np.testing.assert_allclose(green, norm.cdf((centres - edge) / sigma), atol=0.01)
    assert (green[centres < edge - 3 * sigma] < 0.01).all()
    assert (green[centres > edge + 3 * sigma] > 0.99).all()


def test_yaw_zero_centred_camera_gives_a_symmetric_image():
    scenes = doors.simulate_scenes(20, 4, CLEAN)
    scenes |= {"yaw": np.zeros(20), "camera_u": np.zeros(20),
               "jamb_right": scenes["jamb_left"]}
    scenes = doors.project_scenes(scenes, CLEAN)
    e = scenes["edges_x"]
    np.testing.assert_allclose(e + e[:, ::-1], CLEAN.width)
    np.testing.assert_allclose(scenes["doorway_center_x"], CLEAN.width / 2)
    # and with yaw the doorway is no longer symmetric about its projected centre
    yawed = doors.project_scenes(scenes | {"yaw": np.full(20, 0.3)}, CLEAN)
    e = yawed["edges_x"]
    c = yawed["doorway_center_x"]
    assert (np.abs((e[:, 6] - c) - (c - e[:, 1])) > 0.01).all()


def test_moving_closer_widens_the_doorway_in_the_image():
    scenes = doors.simulate_scenes(20, 5, CLEAN)
    near = doors.project_scenes(scenes | {"distance": 0.8 * scenes["distance"],
                                          "camera_u": 0.8 * scenes["camera_u"]}, CLEAN)
    wide = lambda s: s["edges_x"][:, 6] - s["edges_x"][:, 1]  # noqa: E731
    assert (wide(near) > 1.2 * wide(scenes)).all()


def test_patterns_shapes_ranges_and_masks():
    p = doors.generate(500, 6)
    assert p.tasks == TASKS and set(MAIN_TASKS) <= set(TASKS)
    assert p.X.shape == (500, 60) and p.Y.shape == (500, 10) and p.mask.all()
    assert (p.Y >= 0).all() and (p.Y <= 1).all()
    assert -0.1 < p.X.min() and p.X.max() < 1.1
    assert set(np.unique(p.Y[:, 1])) == {0.0, 1.0}
    assert p.Y.std(0).min() > 0.02


def test_deterministic_per_seed_and_fresh_across_seeds():
    a, b, c = doors.generate(50, 7), doors.generate(50, 7), doors.generate(50, 8)
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.Y, b.Y)
    assert not np.allclose(a.X, c.X)
    data = doors.make_data(7, 30, 10, 10)
    assert (len(data.train), len(data.halt), len(data.test)) == (30, 10, 10)
    np.testing.assert_array_equal(data.train.X, a.X[:30])


def test_invalid_arguments_raise():
    with pytest.raises(ValueError, match="n must be positive"):
        doors.generate(0, 1)
    with pytest.raises(ValueError, match="n_halt"):
        doors.make_data(1, 10, -1, 10)
    with pytest.raises(ValueError, match="p_double"):
        DoorConfig(p_double=1.5)
    with pytest.raises(ValueError, match="distance"):
        DoorConfig(distance=(3.0, 2.0))
    with pytest.raises(ValueError, match="rows"):
        DoorConfig(rows=4)
    with pytest.raises(ValueError, match="images"):
        doors.stripes(np.zeros((2, 150)), DoorConfig())
    with pytest.raises(ValueError, match="fits"):
        doors.simulate_scenes(5, 0, replace(DoorConfig(), distance=(0.5, 0.6)))
