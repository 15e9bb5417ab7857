"""The activation benchmark (`make bench`) runs end to end in a tiny configuration.

No timing is asserted: this only proves that the script works, so that `make bench` does not
rot between the times someone runs it.
"""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

BENCH_SCRIPT = Path(__file__).resolve().parent / "bench" / "activations_speed.py"


def _load_benchmark():
    spec = importlib.util.spec_from_file_location("activations_speed", BENCH_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_activation_benchmark_writes_its_json_and_chart(tmp_path, capsys):
    bench = _load_benchmark()
    bench.main(sizes=(1000,), repeats=1, names=("relu", "gelu"), loop_sample=500, out_dir=tmp_path,
               chart_dir=tmp_path, block_sizes=(256, 1024))

    report = json.loads((tmp_path / "activations_speed.json").read_text())
    assert {"cpu_model", "cpu_count", "numpy", "torch", "torch_threads", "date"} <= set(report["machine"])
    assert report["settings"]["sizes"] == [1000] and report["settings"]["repeats"] == 1
    rows = report["results"]
    assert [(r["activation"], r["pass"]) for r in rows] == [
        ("relu", "forward"), ("relu", "derivative"), ("gelu", "forward"), ("gelu", "derivative")]
    for row in rows:
        for key in ("loop_s", "reference_s", "torch_s", "torch_1thread_s", "copy_s"):
            assert row[key] > 0, (key, row)
        assert row["loop_scaled"] is True  # 500 of 1000 elements timed, then scaled
        assert row["reference_over_copy"] == row["reference_s"] / row["copy_s"]
        assert isinstance(row["target_met"], bool)
    relu_forward = rows[0]
    assert relu_forward["target_met"] == (relu_forward["reference_over_torch"] <= 2.0
                                          and relu_forward["reference_over_copy"] <= 3.0)
    gelu_forward = rows[2]  # not piecewise linear: judged against torch only
    assert gelu_forward["target_met"] == (gelu_forward["reference_over_torch"] <= 2.0)

    profiles = {(p["activation"], p["pass"]): p for p in report["profile"]}
    assert profiles["relu", "forward"]["passes"] == ["maximum"]
    assert profiles["gelu", "forward"]["transcendental_passes"] >= 1
    assert profiles["gelu", "forward"]["float64_passes"] >= 1  # exp(-x**2/2) of float32 input
    (masked,) = report["masked_selects"]
    assert masked["n"] == 1000 and masked["where_over_plain"] > 0
    sweep = {(r["activation"], r["pass"]): r for r in report["block_size_sweep"]}
    assert set(sweep["gelu", "derivative"]["seconds_by_block_size"]) == {"256", "1024"}

    png = (tmp_path / "activations_speed.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    printed = capsys.readouterr().out
    assert "loop: per-element Python loop, timed on 5e+02, scaled" in printed
    assert "relu" in printed and "gelu" in printed
    assert "targets met in" in printed and "masked selects at n=1e+03" in printed
