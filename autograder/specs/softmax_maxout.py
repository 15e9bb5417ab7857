"""Grading spec: Softmax, log-softmax, cross-entropy and Maxout (functions that act across units).

Softmax, log-softmax and maxout, with their backward passes, are declared as
:class:`autograder.across_units.AxisFunction` and checked against ``activations.softmax`` and
the rest of the reference library. ``cross_entropy`` and ``cross_entropy_grad`` are not in the
reference library: their reference is ``reference_cross_entropy`` in the setup below (the mean
over the rows of ``-log_softmax(logits)[i, labels[i]]``, PyTorch's ``F.cross_entropy`` with its
default ``reduction="mean"``), the same formula as the lesson's answer.
"""
from autograder.across_units import AxisFunction
from autograder.elementwise import Variant
from autograder.spec import Chapter, Exercise, check

SOFTMAX = AxisFunction("softmax", normalised="probabilities")
LOG_SOFTMAX = AxisFunction("log_softmax", normalised="log-probabilities")
MAXOUT = AxisFunction("maxout", required={"pieces": 2}, ties=(2, 3),
                      variants=(Variant({"pieces": 3}, "uses the pieces argument (pieces=3)"),))

CROSS_ENTROPY_SETUP = '''
def reference_cross_entropy(logits, labels):
    """The chapter's reference cross-entropy: mean over rows i of -log_softmax(logits)[i, labels[i]]."""
    rows = np.arange(len(labels))
    return -np.mean(reference.log_softmax(logits, axis=-1)[rows, labels])


ce_logits = 2 * np.random.default_rng(21).standard_normal((5, 4))
ce_labels = np.array([0, 3, 1, 1, 2])
ce_logits32 = ce_logits.astype(np.float32)
ce_confident_wrong = np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 999.0]])
ce_confident_labels = np.array([1, 0])
ce_confident_wrong32 = np.array([[0.0, 120.0, -120.0], [3.0, 1.0, 2.0]], dtype=np.float32)
ce_confident_labels32 = np.array([2, 0])


def ce_batch(rows, units):
    """A (rows, units) batch of logits and its labels, for the vectorisation check."""
    rng = np.random.default_rng(22)
    return {"logits": rng.standard_normal((rows, units)), "labels": rng.integers(0, units, rows)}
'''
CE_IMPORTS = ("import activations as reference", "import autograder.axis_probes as axis_probe")
BATCH = '{"logits": ce_logits, "labels": ce_labels}'
BATCH32 = '{"logits": ce_logits32, "labels": ce_labels}'
CONFIDENT = '{"logits": ce_confident_wrong, "labels": ce_confident_labels}'
CONFIDENT32 = '{"logits": ce_confident_wrong32, "labels": ce_confident_labels32}'

CROSS_ENTROPY = Exercise("cross_entropy", "cross_entropy(logits, labels)", (
    check(2, f"axis_probe.scalar('the mean loss of a batch', EXERCISE, {BATCH})"),
    check(1, f"probe.dtype_and_shape('float32 logits, a float32 loss', EXERCISE, {BATCH32})"),
    check(1, f"axis_probe.scalar('confident wrong logits of +-1000: finite, no warning', EXERCISE, {CONFIDENT})"),
    check(1, f"axis_probe.scalar('float32, a confident wrong prediction (margin 240): finite', EXERCISE, "
             f"{CONFIDENT32})"),
    check(1, f"probe.inputs_unchanged('logits and labels are left unchanged', EXERCISE, {BATCH})"),
    check(1, "axis_probe.is_vectorised('vectorised: no Python loop over rows or units', EXERCISE, ce_batch)"),
), CROSS_ENTROPY_SETUP, CE_IMPORTS)

CROSS_ENTROPY_GRAD = Exercise("cross_entropy_grad", "cross_entropy_grad(logits, labels)", (
    check(2, f"probe.values('(softmax - one-hot) / N on a batch', EXERCISE, {BATCH})"),
    check(1, f"axis_probe.agrees_with_finite_differences('agrees with finite differences of the mean loss', "
             f"EXERCISE, {BATCH}, reference_cross_entropy, upstream=None)"),
    check(1, f"axis_probe.sums('each row sums to 0', EXERCISE, {BATCH}, along=-1)"),
    check(1, f"probe.dtype_and_shape('float32 in, float32 out', EXERCISE, {BATCH32})"),
    check(1, f"probe.values('confident wrong logits of +-1000: finite, no warning', EXERCISE, {CONFIDENT})"),
    check(1, f"probe.inputs_unchanged('logits and labels are left unchanged', EXERCISE, {BATCH})"),
    check(1, "axis_probe.is_vectorised('vectorised: no Python loop over rows or units', EXERCISE, ce_batch)"),
), CROSS_ENTROPY_SETUP, CE_IMPORTS)

CHAPTER = Chapter(
    name="softmax_maxout",
    title="Softmax, log-softmax, cross-entropy and Maxout",
    exercises=(SOFTMAX.forward(), SOFTMAX.backward(), LOG_SOFTMAX.forward(), LOG_SOFTMAX.backward(),
               CROSS_ENTROPY, CROSS_ENTROPY_GRAD, MAXOUT.forward(), MAXOUT.backward()),
    notes="`cross_entropy` and `cross_entropy_grad` are checked against `reference_cross_entropy` (setup), "
          "which is not in the reference library; the other exercises against `activations`.",
)
