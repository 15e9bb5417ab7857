"""Grading spec: the backprop lab."""
from autograder.spec import Chapter, Exercise, check

SETUP = '''
def bp_network(seed, sizes, n):
    bp_rng = np.random.default_rng(seed)
    X = bp_rng.standard_normal((n, sizes[0]))
    params = {}
    for layer, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        params[f"W{layer}"] = bp_rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_in)
        params[f"b{layer}"] = 0.1 * bp_rng.standard_normal(fan_out)
    return X, params, bp_rng.standard_normal((n, sizes[-1]))


bp_small_X, bp_small_params, bp_small_dout = bp_network(2, (2, 3, 3, 2), 4)   # 1/3 of z1, 5/12 of z2 < 0
bp_X, bp_params, bp_dout = bp_network(19, (2, 10, 10, 2), 8)                   # every |z| > 0.022
bp_positive_X = np.abs(bp_X) + 0.1
bp_positive_params = {k: np.abs(v) + 0.1 for k, v in bp_params.items()}        # every z > 0.1

bp_out = np.array([[0.5, -1.0], [2.0, 0.25], [-0.75, 1.5], [0.0, -2.0]])
bp_Y = np.array([[1.0, -0.5], [1.5, 0.0], [0.25, 1.0], [-1.0, -1.0]])
bp_grads_rng = np.random.default_rng(5)
bp_grads = {k: bp_grads_rng.standard_normal(v.shape) for k, v in bp_small_params.items()}

bp_train_X = np.random.default_rng(0).uniform(-2.0, 2.0, (200, 2))
bp_train_Y = np.stack([np.sin(bp_train_X[:, 0]) * bp_train_X[:, 1],
                       np.abs(bp_train_X[:, 0]) - bp_train_X[:, 1] ** 2 / 2], axis=1)
bp_wide_X = np.random.default_rng(3).uniform(-2.0, 2.0, (200, 3))              # 3 inputs, 1 output: a layer
bp_wide_Y = (np.sin(bp_wide_X[:, 0]) * bp_wide_X[:, 1] + bp_wide_X[:, 2] / 2)[:, None]   # sized from X fails
'''

CHAPTER = Chapter(
    name='backprop_lab',
    title='the backprop lab',
    imports=('import numpy as np', 'import autograder.network_probes as netprobe', 'import autograder.probes as probe'),
    setup=SETUP,
    notes="The finite-difference inputs (`bp_X`, `bp_params`) keep every pre-activation at least 0.02 away\nfrom Leaky ReLU's kink, so centred differences with h = 1e-3 never straddle it; the\n`bp_positive_*` network has every pre-activation above 0, so there the activation's negative\nside plays no part and only the wiring of the chain rule is checked.",
    exercises=(
        Exercise('init_params', 'init_params(sizes, rng)', (
            check(1, 'netprobe.init_structure("keys, dtypes and shapes for sizes (2, 10, 10, 2); biases start at 0", EXERCISE, (2, 10, 10, 2))'),
            check(2, 'netprobe.init_scale("He initialisation: each W has standard deviation sqrt(2 / fan_in)", EXERCISE, (256, 128, 64, 10))'),
            check(1, 'netprobe.init_seeded("every random number comes from the rng argument", EXERCISE, (2, 10, 10, 2), seed=3)'),
        )),
        Exercise('forward', 'forward(X, params, alpha=0.01)', (
            check(2, 'netprobe.network_output("out on a small network whose pre-activations have both signs", EXERCISE, {"X": bp_small_X, "params": bp_small_params})'),
            check(1, 'netprobe.network_output("uses the alpha argument", EXERCISE, {"X": bp_small_X, "params": bp_small_params}, alpha=0.2)'),
            check(1, 'netprobe.network_output("an alpha above 1 (1.5), where np.maximum(alpha * z, z) is no longer Leaky ReLU", EXERCISE, {"X": bp_small_X, "params": bp_small_params}, alpha=1.5)'),
            check(1, 'probe.inputs_unchanged("X and params are left unchanged", EXERCISE, {"X": bp_small_X, "params": bp_small_params})'),
        )),
        Exercise('mse_loss', 'mse_loss(out, Y)', (
            check(2, 'netprobe.loss_and_gradient("loss (mean over all N*D entries) and dL/dout", EXERCISE, {"out": bp_out, "Y": bp_Y})'),
            check(1, 'netprobe.loss_gradient_matches_finite_differences("dL/dout agrees with centred differences of the loss", EXERCISE, {"out": bp_out, "Y": bp_Y})'),
            check(1, 'probe.inputs_unchanged("out and Y are left unchanged", EXERCISE, {"out": bp_out, "Y": bp_Y})'),
        )),
        Exercise('backward', 'backward(dout, cache, params, alpha=0.01)', (
            check(2, 'netprobe.gradients("every gradient, on a small network whose pre-activations have both signs", "forward", "backward", {"X": bp_small_X, "params": bp_small_params, "dout": bp_small_dout})'),
            check(1, 'netprobe.gradients("uses the alpha argument", "forward", "backward", {"X": bp_small_X, "params": bp_small_params, "dout": bp_small_dout}, alpha=0.2)'),
            check(2, 'netprobe.gradients_match_finite_differences("agrees with centred finite differences (float64, relative error below 1e-7)", "forward", "backward", {"X": bp_X, "params": bp_params, "dout": bp_dout})'),
            check(2, 'netprobe.gradients_match_torch("agrees with torch autograd (float64, identical weights, relative error below 1e-7)", "forward", "backward", {"X": bp_X, "params": bp_params, "dout": bp_dout})'),
            check(1, 'netprobe.gradients_match_finite_differences("agrees with centred differences where every pre-activation is positive (the chain rule\'s wiring alone)", "forward", "backward", {"X": bp_positive_X, "params": bp_positive_params, "dout": bp_dout})'),
            check(1, 'netprobe.backward_inputs_unchanged("dout, cache and params are left unchanged", "forward", "backward", {"X": bp_small_X, "params": bp_small_params, "dout": bp_small_dout})'),
        )),
        Exercise('sgd_step', 'sgd_step(params, grads, lr)', (
            check(1, 'probe.values("new parameters, lr=0.1", EXERCISE, {"params": bp_small_params, "grads": bp_grads, "lr": 0.1})'),
            check(1, 'probe.values("uses the lr argument (lr=0.5)", EXERCISE, {"params": bp_small_params, "grads": bp_grads, "lr": 0.5})'),
            check(1, 'probe.inputs_unchanged("params and grads are left unchanged", EXERCISE, {"params": bp_small_params, "grads": bp_grads, "lr": 0.1})'),
        )),
        Exercise('train', 'train(X, Y, steps=300, lr=0.05, seed=0, alpha=0.01, hidden=10)', (
            check(3, 'netprobe.training("fits sin(x1)*x2 and |x1| - x2**2/2: the loss drops at least tenfold in 300 steps", EXERCISE, {"X": bp_train_X, "Y": bp_train_Y}, steps=300, lr=0.05, seed=0)'),
            check(1, 'netprobe.training("3 inputs and 1 output: the layer sizes come from X and Y", EXERCISE, {"X": bp_wide_X, "Y": bp_wide_Y}, steps=300, lr=0.05, seed=0)'),
            check(1, 'netprobe.training_is_deterministic("the same seed gives the same losses", EXERCISE, {"X": bp_train_X, "Y": bp_train_Y}, steps=50, lr=0.05, seed=1)'),
        )),
    ),
)
