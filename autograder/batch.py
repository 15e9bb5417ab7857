"""``python -m autograder batch SUBMISSIONS/ --gradebook grades.csv [--jobs N]``: grade a class.

Layout of ``SUBMISSIONS/``: either one sub-folder per student (its name is the student's id;
every ``.ipynb`` inside, at any depth, is one of their chapter notebooks) or one notebook per
student directly in the folder (the file's name without ``.ipynb`` is the student's id). The
chapter of each notebook comes from its metadata (see :mod:`autograder.identity`), so file names
do not matter.

Each submission is graded by the same command a student runs, ``python -m autograder NB
--json``, in its own process group with a time limit, a memory limit and, where the system
allows it (Linux, ``unshare -n``), no network; on a copy, so the submission itself is never
opened for writing. Submissions run in parallel, ``--jobs`` at a time. Results:

* the gradebook CSV: one row per student and chapter, one column per exercise, a first row with
  the points possible, the total and a status (graded, timeout, grader-error, not a course
  notebook);
* one JSON feedback file per submission in ``--feedback`` (default: beside the gradebook), which
  is also the cache: a submission whose content was already graded by this grader version (in
  this run's folder or by any other run that wrote there) is not graded again;
* a class report (Markdown and a plot, see :mod:`autograder.class_report`) and a similarity
  report (see :mod:`autograder.similarity`) beside the gradebook.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import csv
import hashlib
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from autograder import class_report, similarity
from autograder.notebooks import GRADING, NotebookError, exercise_source, read
from autograder.spec import load, spec_names

TIMEOUT_S = 300            # one submission, kernel start included; a correct chapter takes a few seconds
MEMORY_BYTES = 8 * 2**30   # address space per submission (torch alone reserves a few GiB of it)
PACKAGE = Path(__file__).resolve().parent


class Status:
    GRADED = "graded"
    TIMEOUT = "timeout"
    GRADER_ERROR = "grader-error"
    NOT_COURSE = "not a course notebook"


@dataclass(frozen=True)
class Submission:
    student: str
    path: Path
    digest: str

    @property
    def key(self) -> str:
        safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{self.student}__{self.path.stem}")
        return f"{safe}__{self.digest[:12]}"


def discover(folder: Path) -> list[Submission]:
    """Every notebook under ``folder``, with the student it belongs to."""
    found = []
    for entry in sorted(Path(folder).iterdir()):
        if entry.is_dir() and not entry.name.startswith("."):
            notebooks = [(entry.name, p) for p in sorted(entry.rglob("*.ipynb")) if ".ipynb_checkpoints" not in p.parts]
        elif entry.suffix == ".ipynb":
            notebooks = [(entry.stem, entry)]
        else:
            continue
        found += [Submission(student, path, hashlib.sha256(path.read_bytes()).hexdigest()) for student, path in notebooks]
    return found


def grader_version() -> str:
    """A hash of everything that decides a grade: the grader's code and the grading notebooks."""
    digest = hashlib.sha256()
    for path in sorted([*PACKAGE.rglob("*.py"), *GRADING.glob("*.ipynb")]):
        digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _network_isolation() -> list[str]:
    """A command prefix that runs a program in a network namespace of its own, with only the
    loopback interface up (the kernel talks to its runner over 127.0.0.1), or nothing where that
    is not possible (no ``unshare`` or ``ip``, or namespaces not allowed)."""
    unshare, ip = shutil.which("unshare"), shutil.which("ip")
    if not (unshare and ip):
        return []
    for flags in ("-n", "-rn"):   # -r: as an unprivileged user, through a user namespace
        command = [unshare, flags, "sh", "-c", f'{ip} link set lo up && exec "$@"', "isolated"]
        if subprocess.run([*command, "true"], capture_output=True).returncode == 0:
            return command
    return []


def _limits(memory: int):
    def apply():
        os.setsid()   # its own process group, so that a timeout ends the kernel too
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    return apply


def cached_reports(feedback_dir: Path, version: str) -> dict[str, dict]:
    """The reports in ``feedback_dir`` made by this grader version, by the content hash they graded.

    Keyed on content, not on file or student names, so reports written by other runs (one
    student at a time on a cluster, say) are found by a later run over the whole class.
    """
    found = {}
    for path in sorted(Path(feedback_dir).glob("*.json")):
        try:
            report = json.loads(path.read_text())
        except (json.JSONDecodeError, OSError):
            continue
        cache = report.get("cache") if isinstance(report, dict) else None
        if isinstance(cache, dict) and cache.get("grader") == version and isinstance(cache.get("digest"), str):
            found[cache["digest"]] = report
    return found


def grade_submission(submission: Submission, feedback_dir: Path, version: str, isolation: list[str],
                     timeout: float = TIMEOUT_S, memory: int = MEMORY_BYTES, cached: dict | None = None) -> dict:
    """Grade one submission, or reuse the report of identical content; return the report."""
    target = feedback_dir / f"{submission.key}.json"
    if cached and submission.digest in cached:
        report = {**cached[submission.digest], "student": submission.student, "notebook": str(submission.path)}
        target.write_text(json.dumps(report, indent=2) + "\n")
        return {**report, "cached": True}
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="autograder-batch-") as tmp:
        copy = Path(tmp) / submission.path.name
        shutil.copyfile(submission.path, copy)
        out = Path(tmp) / "report.json"
        command = [*isolation, sys.executable, "-m", "autograder", str(copy), "--json", str(out)]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   preexec_fn=_limits(memory), cwd=tmp)
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            report = {"status": Status.TIMEOUT, "error": f"grading took longer than {timeout:g} s"}
        else:
            report = _report(process.returncode, out, stderr)
    report.update(student=submission.student, notebook=str(submission.path), seconds=round(time.perf_counter() - start, 2),
                  cache={"digest": submission.digest, "grader": version})
    if report["status"] != Status.GRADER_ERROR:   # a grader fault is retried next time, never cached
        target.write_text(json.dumps(report, indent=2) + "\n")
    return report


def _report(returncode: int, out: Path, stderr: str) -> dict:
    report = {}
    if out.exists():
        try:
            report = json.loads(out.read_text())
        except json.JSONDecodeError:
            report = {}
    if returncode in (0, 1) and "score" in report:
        report["status"] = Status.GRADED
        return report
    message = (stderr or "").strip().splitlines()
    if returncode == 2 and message and message[0].startswith("cannot grade"):
        return {"status": Status.NOT_COURSE, "error": message[0]}
    return {**report, "status": Status.GRADER_ERROR,
            "error": report.get("error") or (message[0] if message else f"the grader exited with code {returncode}")}


def _columns(reports: list[dict]) -> list[tuple[str, str, int]]:
    """(chapter, exercise, points possible) for every exercise of every chapter graded, in course order."""
    chapters = {r.get("chapter") for r in reports if r.get("chapter")}
    return [(c, e.name, e.points) for c in spec_names() if c in chapters for e in load(c).exercises]


def write_gradebook(path: Path, reports: list[dict]) -> None:
    columns = _columns(reports)
    with open(path, "w", newline="") as sink:
        writer = csv.writer(sink)
        writer.writerow(["student", "chapter", "notebook", "status", "total", "max_total"] + [e for _, e, _ in columns])
        writer.writerow(["(points possible)", "", "", "", "", ""] + [p for _, _, p in columns])
        for r in sorted(reports, key=lambda r: (r["student"], r.get("chapter") or "", r["notebook"])):
            scores = {e["name"]: e["score"] for e in r.get("exercises", [])}
            graded = r["status"] == Status.GRADED
            writer.writerow([r["student"], r.get("chapter", ""), r["notebook"], r["status"],
                             r.get("score", "") if graded else "", r.get("max_score", "") if graded else ""]
                            + [scores.get(e, "") if c == r.get("chapter") else "" for c, e, _ in columns])


def answers(reports: list[dict]) -> dict[str, dict[str, dict[str, str]]]:
    """``answers[chapter][student/notebook][exercise]``: the answer cells of graded submissions."""
    found: dict[str, dict[str, dict[str, str]]] = {}
    for r in reports:
        if r["status"] != Status.GRADED:
            continue
        try:
            notebook = read(Path(r["notebook"]))
        except NotebookError:
            continue
        who = f"{r['student']} ({Path(r['notebook']).name})"
        found.setdefault(r["chapter"], {})[who] = {
            e.name: exercise_source(notebook, e.name) or "" for e in load(r["chapter"]).exercises}
    return found


def write_similarity(path: Path, reports: list[dict]) -> list[similarity.Pair]:
    lines = ["# Similarity report", "", similarity.DISCLAIMER, "",
             f"Listed: pairs whose answers are at least {similarity.THRESHOLD:.0%} alike.", ""]
    everything = []
    for chapter, by_student in sorted(answers(reports).items()):
        pairs = similarity.similar_pairs(by_student)
        everything += pairs
        lines += [f"## {chapter}", ""]
        if not pairs:
            lines += ["No pair above the threshold.", ""]
            continue
        lines += ["| similarity | submission | submission | exercises compared |", "| --- | --- | --- | --- |"]
        lines += [f"| {p.similarity:.0%} | {p.first} | {p.second} | {', '.join(p.exercises)} |" for p in pairs]
        lines.append("")
    path.write_text("\n".join(lines))
    return everything


def summary(reports: list[dict], seconds: float, jobs: int) -> str:
    counts = {status: sum(r["status"] == status for r in reports)
              for status in (Status.GRADED, Status.TIMEOUT, Status.GRADER_ERROR, Status.NOT_COURSE)}
    fresh = [r for r in reports if not r.get("cached")]
    rate = f", {len(fresh) / seconds * 60:.1f} submissions per minute with {jobs} job{'s' * (jobs > 1)}" if fresh else ""
    return (f"{len(reports)} submissions ({', '.join(f'{n} {s}' for s, n in counts.items())}; "
            f"{len(reports) - len(fresh)} unchanged since the last run) in {seconds:.1f} s{rate}")


def run(folder: Path, gradebook: Path, jobs: int, feedback_dir: Path | None = None,
        timeout: float = TIMEOUT_S, memory: int = MEMORY_BYTES, progress: bool = True) -> list[dict]:
    """Grade every submission under ``folder``; write the gradebook and the reports beside it."""
    submissions = discover(folder)
    feedback_dir = feedback_dir or gradebook.with_name(f"{gradebook.stem}_feedback")
    feedback_dir.mkdir(parents=True, exist_ok=True)
    version, isolation = grader_version(), _network_isolation()
    cached = cached_reports(feedback_dir, version)
    start = time.perf_counter()
    reports = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool, \
            tqdm(total=len(submissions), unit="notebook", disable=not progress, file=sys.stderr) as bar:
        futures = [pool.submit(grade_submission, s, feedback_dir, version, isolation, timeout, memory, cached)
                   for s in submissions]
        for future in concurrent.futures.as_completed(futures):
            reports.append(future.result())
            bar.update()
    seconds = time.perf_counter() - start
    write_gradebook(gradebook, reports)
    class_report.write(gradebook.with_name(f"{gradebook.stem}_class_report.md"), reports)
    write_similarity(gradebook.with_name(f"{gradebook.stem}_similarity.md"), reports)
    print(summary(reports, seconds, jobs))
    if not isolation:
        print("note: network isolation (unshare -n) is not available here: submissions ran with the network")
    return reports


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder batch", description=__doc__.splitlines()[0])
    parser.add_argument("submissions", type=Path, help="a folder: one sub-folder or one notebook per student")
    parser.add_argument("--gradebook", type=Path, required=True, help="the CSV gradebook to write")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="submissions graded at once (default: cores)")
    parser.add_argument("--feedback", type=Path, help="folder for the JSON feedback files (default: beside the gradebook)")
    parser.add_argument("--timeout", type=float, default=TIMEOUT_S, help=f"seconds per submission (default {TIMEOUT_S})")
    parser.add_argument("--memory-gb", type=float, default=MEMORY_BYTES / 2**30, help="memory per submission")
    args = parser.parse_args(argv)
    if not args.submissions.is_dir():
        print(f"cannot grade: {args.submissions} is not a folder of submissions", file=sys.stderr)
        return 2
    if args.jobs < 1:
        print("cannot grade: --jobs must be at least 1", file=sys.stderr)
        return 2
    reports = run(args.submissions, args.gradebook, args.jobs, args.feedback, args.timeout, int(args.memory_gb * 2**30))
    return 2 if any(r["status"] == Status.GRADER_ERROR for r in reports) else 0
