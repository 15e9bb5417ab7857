"""labkit, the labs' shared code: device choice, the quick/full switch, data, recorded results."""
from __future__ import annotations

import json

import matplotlib
import pytest
import torch

matplotlib.use("Agg")

from labkit import data, lab, mode, models, results, training  # noqa: E402
from labkit.device import pick_device  # noqa: E402


@pytest.fixture
def gpus(monkeypatch):
    """Pretend which accelerators exist: gpus(cuda=..., mps=...)."""
    def pretend(cuda: bool, mps: bool):
        monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda)
        monkeypatch.setattr(torch.backends.mps, "is_available", lambda: mps)
    return pretend


@pytest.mark.parametrize("cuda, mps, expected", [(True, True, "cuda"), (True, False, "cuda"),
                                                 (False, True, "mps"), (False, False, "cpu")])
def test_pick_device_prefers_cuda_then_mps_then_cpu(gpus, monkeypatch, cuda, mps, expected, capsys):
    gpus(cuda, mps)
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda device=None: "NVIDIA Test GPU")
    device = pick_device()
    assert device.type == expected
    assert capsys.readouterr().out.startswith(f"device: {expected} (")


def test_pick_device_is_silent_when_asked(gpus, capsys):
    gpus(False, False)
    assert pick_device(verbose=False).type == "cpu"
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("device, expected", [("cpu", "quick"), ("cuda", "full"), ("mps", "full")])
def test_mode_defaults_to_quick_on_cpu_and_full_on_a_gpu(device, expected):
    assert mode.mode_for(torch.device(device), environ={}) == expected


@pytest.mark.parametrize("value, device, expected", [("quick", "cuda", "quick"), ("full", "cpu", "full"),
                                                     (" FULL ", "cpu", "full"), ("", "cpu", "quick")])
def test_course_mode_variable_forces_the_mode(value, device, expected):
    assert mode.mode_for(torch.device(device), environ={"COURSE_MODE": value}) == expected


def test_an_invalid_course_mode_is_refused_with_the_allowed_values():
    with pytest.raises(ValueError, match=r"COURSE_MODE='fast' is not a mode: set it to 'quick'.*or 'full'"):
        mode.mode_for(torch.device("cpu"), environ={"COURSE_MODE": "fast"})


def test_quick_sizes_are_smaller_than_full_sizes_and_frozen():
    quick, full = mode.sizes_for("quick"), mode.sizes_for("full")
    assert quick.seeds < full.seeds and quick.epochs < full.epochs and max(quick.elements) < max(full.elements)
    assert not quick.compile and full.compile
    assert max(full.depths) == 50 and min(full.depths) == 10 and max(full.elements) == 10**8
    with pytest.raises(AttributeError):
        quick.epochs = 1000


def test_start_reports_device_and_mode_and_uses_one_thread_in_quick_mode(gpus, capsys):
    gpus(False, False)
    threads = torch.get_num_threads()
    try:
        started = lab.start(seed=3, environ={"COURSE_MODE": "quick"})
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(threads)
    out = capsys.readouterr().out
    assert started.mode == "quick" and started.sizes == mode.QUICK and started.seed == 3
    assert "device: cpu (" in out and "1 thread)" in out and "mode: quick (COURSE_MODE=quick)" in out


def test_start_seeds_torch(gpus, capsys):
    gpus(False, False)
    threads = torch.get_num_threads()
    try:
        lab.start(seed=5, environ={})
        first = torch.rand(3)
        lab.start(seed=5, environ={})
        assert torch.equal(first, torch.rand(3))
    finally:
        torch.set_num_threads(threads)


@pytest.mark.parametrize("load, n_features, n_classes, total", [(data.digits, 64, 10, 1797),
                                                               (data.moons, 2, 2, data.MOONS_SAMPLES)])
def test_data_splits_have_the_documented_shapes(load, n_features, n_classes, total):
    split = load(seed=0)
    assert split.n_features == n_features and split.n_classes == n_classes
    assert len(split.y_train) + len(split.y_test) == total
    assert split.x_train.dtype == torch.float32 and split.y_train.dtype == torch.int64


@pytest.mark.parametrize("load", [data.digits, data.moons])
def test_data_is_standardised_with_training_statistics_only(load):
    split = load(seed=0)
    assert torch.allclose(split.x_train.mean(dim=0), torch.zeros(split.n_features), atol=1e-5)
    assert not torch.allclose(split.x_test.mean(dim=0), torch.zeros(split.n_features), atol=1e-5)


@pytest.mark.parametrize("load", [data.digits, data.moons])
def test_data_split_is_deterministic_for_a_seed_and_changes_with_it(load):
    a, b, c = load(seed=1), load(seed=1), load(seed=2)
    assert torch.equal(a.x_train, b.x_train) and torch.equal(a.y_test, b.y_test)
    assert not torch.equal(a.x_train, c.x_train)


def test_training_is_deterministic_and_records_every_epoch():
    split = data.moons(seed=0)

    def run():
        torch.manual_seed(0)
        net = models.mlp(split.n_features, 16, 2, split.n_classes, "ReLU")
        return training.train(net, split, epochs=3, seed=0, observe=lambda step, net: step if step % 10 == 0 else None)

    first, second = run(), run()
    assert first.train_loss == second.train_loss and first.test_accuracy == second.test_accuracy
    assert len(first.train_loss) == len(first.test_accuracy) == len(first.epoch_seconds) == 3
    assert first.observations == list(range(0, 3 * 24, 10))  # 1500 examples: 24 batches of 64 per epoch
    assert first.train_loss[-1] < first.train_loss[0]


@pytest.mark.parametrize("scheme, variance", [("lecun", 1.0), ("he", 2.0), ("default", 1 / 3)])
def test_init_schemes_give_the_documented_weight_variance(scheme, variance):
    torch.manual_seed(0)
    layer = torch.nn.Linear(400, 400)
    models.init_linear(layer, scheme)
    assert layer.weight.var().item() * 400 == pytest.approx(variance, rel=0.05)


def test_prelu_weight_view_broadcasts_like_torch_prelu():
    x = torch.randn(2, 3, 4)
    for weight in (torch.tensor([0.25]), torch.tensor([0.1, -0.5, 2.0])):
        ours = torch.where(x > 0, x, models.prelu_weight_view(weight, x) * x)
        assert torch.equal(ours, torch.nn.functional.prelu(x, weight))


def _cpu_lab(run_mode="full"):
    return lab.Lab(torch.device("cpu"), run_mode, mode.sizes_for(run_mode), 0)


def test_results_round_trip_with_device_torch_version_and_date(tmp_path):
    meta = results.metadata(_cpu_lab())
    assert set(meta) == {"device", "device_type", "torch", "mode", "date"} and meta["torch"] == torch.__version__
    figure = matplotlib.pyplot.figure()
    path = results.save("lab_x", {"curve": [1.0, 0.5]}, meta, {"curves": figure}, root=tmp_path)
    assert json.loads(path.read_text())["data"] == {"curve": [1.0, 0.5]}
    assert (tmp_path / "lab_x" / "curves.png").exists()
    loaded = results.load("lab_x", root=tmp_path)
    assert loaded.meta == meta and loaded.data == {"curve": [1.0, 0.5]}
    assert meta["device"] in loaded.label and meta["date"][:10] in loaded.label


def test_without_recorded_results_the_page_says_so_plainly(tmp_path):
    assert results.load("lab_x", root=tmp_path) is None
    assert results.status(None, _cpu_lab("quick")).startswith("No GPU run of this lab has been recorded yet")


def test_recording_happens_only_when_asked_and_only_for_a_full_gpu_run(tmp_path, monkeypatch, capsys):
    gpu_lab = lab.Lab(torch.device("cuda"), "full", mode.FULL, 0)
    assert results.record_if_asked("lab_x", {}, _cpu_lab(), environ={}, root=tmp_path) is None
    assert results.record_if_asked("lab_x", {}, _cpu_lab(), environ={"COURSE_RECORD": "1"}, root=tmp_path) is None
    assert "only a full-mode run on a GPU is recorded" in capsys.readouterr().out
    quick_gpu = lab.Lab(torch.device("cuda"), "quick", mode.QUICK, 0)
    assert results.record_if_asked("lab_x", {}, quick_gpu, environ={"COURSE_RECORD": "1"}, root=tmp_path) is None
    assert not (tmp_path / "lab_x").exists()
    monkeypatch.setattr(results, "metadata", lambda run: {"device": "NVIDIA Test GPU", "device_type": "cuda",
                                                          "torch": "x", "mode": "full", "date": "2026-01-01T00:00:00+00:00"})
    path = results.record_if_asked("lab_x", {"a": 1}, gpu_lab, environ={"COURSE_RECORD": "1"}, root=tmp_path)
    assert results.load("lab_x", root=tmp_path).data == {"a": 1} and path.exists()


def test_side_by_side_adds_the_recorded_row_only_when_there_is_one():
    def draw(axes, values):
        axes[0].plot(values)

    quick = _cpu_lab("quick")
    alone = results.side_by_side(draw, [1, 2], None, quick, None)
    recorded = results.Recorded({"device": "GPU", "torch": "2", "date": "2026-01-01"}, {"v": [3, 4]})
    both = results.side_by_side(draw, [1, 2], recorded.data["v"], quick, recorded)
    assert len(alone.axes) == 1 and len(both.axes) == 2
    assert both.axes[0].get_ylim() == both.axes[1].get_ylim()  # same scale, comparable by eye
