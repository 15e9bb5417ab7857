"""Grading spec: why nonlinearity."""
from autograder.spec import Chapter, Exercise, check

SETUP = '''
def layer(n_out, n_in, seed):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n_out, n_in)).round(2), rng.standard_normal(n_out).round(2)


two_square = [layer(2, 2, 1), layer(2, 2, 2)]
chain = [layer(4, 3, 3), layer(5, 4, 4), layer(2, 5, 5)]
single = [layer(3, 3, 6)]
deep = [layer(2, 2, seed) for seed in range(10, 16)]
chain32 = [(W.astype(np.float32), b.astype(np.float32)) for W, b in chain]
'''

CHAPTER = Chapter(
    name='why_nonlinearity',
    title='why nonlinearity',
    imports=('import numpy as np', 'import autograder.probes as probe'),
    setup=SETUP,
    notes='',
    exercises=(
        Exercise('compose_affine', 'compose_affine(layers)', (
            check(2, 'probe.values("two 2x2 layers", EXERCISE, {"layers": two_square})'),
            check(2, 'probe.values("three layers of different widths, 3 -> 4 -> 5 -> 2", EXERCISE, {"layers": chain})'),
            check(1, 'probe.values("a single layer is its own composition", EXERCISE, {"layers": single})'),
            check(1, 'probe.values("six layers", EXERCISE, {"layers": deep})'),
            check(1, 'probe.values("float32 layers give float32 results", EXERCISE, {"layers": chain32})'),
            check(1, 'probe.inputs_unchanged("the layers are left unchanged", EXERCISE, {"layers": chain})'),
            check(1, 'probe.returns_new_arrays("a single layer: new arrays, not the caller\'s own", EXERCISE, {"layers": single})'),
        )),
    ),
)
