"""Grading spec: custom autograd functions."""
from autograder.spec import Chapter, Exercise, check

SETUP = '''
grid = np.linspace(-3.0, 3.0, 13)                     # passes through the kink at 0
off_kink = np.array([-3.0, -1.5, -0.5, -1e-3, 1e-3, 0.5, 2.0])
cube = np.random.default_rng(7).standard_normal((2, 3, 4))   # batch 2, 3 channels, length 4
matrix = np.random.default_rng(8).standard_normal((4, 3))
dout = np.random.default_rng(11).standard_normal(off_kink.shape)
dout_cube = np.random.default_rng(12).standard_normal(cube.shape)
dout_matrix = np.random.default_rng(13).standard_normal(matrix.shape)
shared = np.array([0.25])                              # torch.nn.PReLU's initial slope
per_channel = np.array([0.25, -0.5, 1.5])              # a learned slope can be negative or above 1
'''

CHAPTER = Chapter(
    name='lab_custom_activation',
    title='custom autograd functions',
    imports=('import numpy as np', 'import autograder.torch_probes as probe'),
    setup=SETUP,
    notes='',
    exercises=(
        Exercise('leaky_relu_autograd', 'leaky_relu_autograd(x, negative_slope=0.01)', (
            check(1, 'probe.forward_values("values on a grid through the kink, default slope", EXERCISE, {"x": grid})'),
            check(1, 'probe.forward_values("uses negative_slope; an n-d input keeps its shape", EXERCISE, {"x": cube}, negative_slope=0.2)'),
            check(1, 'probe.forward_values("float32 in, float32 out", EXERCISE, {"x": grid.astype(np.float32)}, negative_slope=0.1)'),
            check(2, 'probe.gradient_values("dL/dx: grad_output times the local slope", EXERCISE, {"x": off_kink}, dout, negative_slope=0.2)'),
            check(1, 'probe.gradient_values("dL/dx of an n-d input", EXERCISE, {"x": cube}, dout_cube, negative_slope=0.1)'),
            check(2, 'probe.passes_gradcheck("torch.autograd.gradcheck in float64", EXERCISE, {"x": cube}, negative_slope=0.1)'),
            check(1, 'probe.inputs_unchanged("the input tensor is left unchanged", EXERCISE, {"x": grid}, negative_slope=0.1)'),
            check(1, 'probe.is_custom_function("computed by your torch.autograd.Function", EXERCISE, {"x": off_kink})'),
        )),
        Exercise('prelu_autograd', 'prelu_autograd(x, weight)', (
            check(1, 'probe.forward_values("values with one shared slope", EXERCISE, {"x": matrix, "weight": shared})'),
            check(1, 'probe.forward_values("values with one slope per channel (dimension 1)", EXERCISE, {"x": cube, "weight": per_channel})'),
            check(2, 'probe.gradient_values("dL/dx and dL/dweight, one shared slope", EXERCISE, {"x": matrix, "weight": shared}, dout_matrix, wrt=("x", "weight"))'),
            check(2, 'probe.gradient_values("dL/dx and dL/dweight, one slope per channel", EXERCISE, {"x": cube, "weight": per_channel}, dout_cube, wrt=("x", "weight"))'),
            check(1, 'probe.passes_gradcheck("gradcheck in float64, one shared slope", EXERCISE, {"x": matrix, "weight": shared}, wrt=("x", "weight"))'),
            check(2, 'probe.passes_gradcheck("gradcheck in float64, one slope per channel", EXERCISE, {"x": cube, "weight": per_channel}, wrt=("x", "weight"))'),
            check(1, 'probe.inputs_unchanged("x and weight are left unchanged", EXERCISE, {"x": cube, "weight": per_channel})'),
            check(1, 'probe.is_custom_function("computed by your torch.autograd.Function", EXERCISE, {"x": matrix, "weight": shared})'),
        )),
    ),
)
