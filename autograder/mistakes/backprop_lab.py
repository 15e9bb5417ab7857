"""Known mistakes for the backprop lab: every bug of source document 004 that a wrong answer can
carry, and the classic slips of a first hand-written backward pass.

Each function is a wrong answer written the way students (and document 004) write it. Its
outputs on the grading checks are stored as fingerprints. The noise targets of document 004 are
a flaw of its data, not of any function, so no answer here can carry them: the lab shows them
with held-out loss curves instead.

A wrong ``train`` calls the other exercises' functions by name: like every catalogued mistake,
it is loaded from its source into the solution notebook's namespace, so it runs beside the
correct answers to the other exercises (which is why those names are undefined here).
"""
import numpy as np

from autograder.mistakes import Mistake

_RELU_MASK_HINT = (
    "the hidden layers use ReLU's derivative, the mask (h > 0), which is 0 wherever a "
    "pre-activation is negative; Leaky ReLU's derivative is alpha there. So the gradients are "
    "wrong exactly where pre-activations are negative (where every pre-activation is positive, "
    "the check passes). Source document 004 makes this mistake. Use np.where(z > 0, 1.0, alpha).")


# --- init_params ----------------------------------------------------------------------------

def unscaled_init(sizes, rng):
    params = {}
    for layer, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        params[f"W{layer}"] = rng.standard_normal((fan_in, fan_out))
        params[f"b{layer}"] = np.zeros(fan_out)
    return params


def global_randn_init(sizes, rng):
    params = {}
    for layer, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        params[f"W{layer}"] = np.random.randn(fan_in, fan_out)
        params[f"b{layer}"] = np.zeros(fan_out)
    return params


def lecun_init(sizes, rng):
    params = {}
    for layer, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        params[f"W{layer}"] = rng.standard_normal((fan_in, fan_out)) / np.sqrt(fan_in)
        params[f"b{layer}"] = np.zeros(fan_out)
    return params


# --- forward ---------------------------------------------------------------------------------

def relu_forward(X, params, alpha=0.01):
    z1 = X @ params["W1"] + params["b1"]
    h1 = np.maximum(z1, 0)
    z2 = h1 @ params["W2"] + params["b2"]
    h2 = np.maximum(z2, 0)
    return h2 @ params["W3"] + params["b3"], {"X": X, "z1": z1, "h1": h1, "z2": z2, "h2": h2}


def activates_output(X, params, alpha=0.01):
    z1 = X @ params["W1"] + params["b1"]
    h1 = np.where(z1 > 0, z1, alpha * z1)
    z2 = h1 @ params["W2"] + params["b2"]
    h2 = np.where(z2 > 0, z2, alpha * z2)
    z3 = h2 @ params["W3"] + params["b3"]
    return np.where(z3 > 0, z3, alpha * z3), {"X": X, "z1": z1, "h1": h1, "z2": z2, "h2": h2}


# --- mse_loss --------------------------------------------------------------------------------

def divides_by_samples(out, Y):
    diff = out - Y
    return float(np.mean(diff ** 2)), 2 * diff / out.shape[0]


def forgets_the_two(out, Y):
    diff = out - Y
    return float(np.mean(diff ** 2)), diff / diff.size


def target_minus_output(out, Y):
    diff = out - Y
    return float(np.mean(diff ** 2)), 2 * (Y - out) / diff.size


# --- backward --------------------------------------------------------------------------------

def relu_mask(dout, cache, params, alpha=0.01):
    grads = {"W3": cache["h2"].T @ dout, "b3": dout.sum(axis=0)}
    dz2 = (dout @ params["W3"].T) * (cache["h2"] > 0)
    grads["W2"], grads["b2"] = cache["h1"].T @ dz2, dz2.sum(axis=0)
    dz1 = (dz2 @ params["W2"].T) * (cache["h1"] > 0)
    grads["W1"], grads["b1"] = cache["X"].T @ dz1, dz1.sum(axis=0)
    return grads


def updated_weights_in_chain(dout, cache, params, alpha=0.01):
    grads = {"W3": cache["h2"].T @ dout, "b3": dout.sum(axis=0)}
    W3 = params["W3"] - grads["W3"]
    dz2 = (dout @ W3.T) * np.where(cache["z2"] > 0, 1.0, alpha)
    grads["W2"], grads["b2"] = cache["h1"].T @ dz2, dz2.sum(axis=0)
    W2 = params["W2"] - grads["W2"]
    dz1 = (dz2 @ W2.T) * np.where(cache["z1"] > 0, 1.0, alpha)
    grads["W1"], grads["b1"] = cache["X"].T @ dz1, dz1.sum(axis=0)
    return grads


def assigns_to_W3(dout, cache, params, alpha=0.01):
    grads = {"W3": cache["h2"].T @ dout, "b3": dout.sum(axis=0)}
    W3 -= grads["W3"]
    dz2 = (dout @ W3.T) * np.where(cache["z2"] > 0, 1.0, alpha)
    grads["W2"], grads["b2"] = cache["h1"].T @ dz2, dz2.sum(axis=0)
    dz1 = (dz2 @ params["W2"].T) * np.where(cache["z1"] > 0, 1.0, alpha)
    grads["W1"], grads["b1"] = cache["X"].T @ dz1, dz1.sum(axis=0)
    return grads


def reads_forward_locals(dout, cache, params, alpha=0.01):
    grads = {"W3": h2.T @ dout, "b3": dout.sum(axis=0)}  # noqa: F821 (the mistake itself)
    dz2 = (dout @ params["W3"].T) * np.where(h2 > 0, 1.0, alpha)  # noqa: F821
    grads["W2"], grads["b2"] = h1.T @ dz2, dz2.sum(axis=0)  # noqa: F821
    dz1 = (dz2 @ params["W2"].T) * np.where(h1 > 0, 1.0, alpha)  # noqa: F821
    grads["W1"], grads["b1"] = cache["X"].T @ dz1, dz1.sum(axis=0)
    return grads


def forgets_activation_derivative(dout, cache, params, alpha=0.01):
    grads = {"W3": cache["h2"].T @ dout, "b3": dout.sum(axis=0)}
    dz2 = dout @ params["W3"].T
    grads["W2"], grads["b2"] = cache["h1"].T @ dz2, dz2.sum(axis=0)
    dz1 = dz2 @ params["W2"].T
    grads["W1"], grads["b1"] = cache["X"].T @ dz1, dz1.sum(axis=0)
    return grads


def averages_bias_gradient(dout, cache, params, alpha=0.01):
    grads = {"W3": cache["h2"].T @ dout, "b3": dout.mean(axis=0)}
    dz2 = (dout @ params["W3"].T) * np.where(cache["z2"] > 0, 1.0, alpha)
    grads["W2"], grads["b2"] = cache["h1"].T @ dz2, dz2.mean(axis=0)
    dz1 = (dz2 @ params["W2"].T) * np.where(cache["z1"] > 0, 1.0, alpha)
    grads["W1"], grads["b1"] = cache["X"].T @ dz1, dz1.mean(axis=0)
    return grads


# --- sgd_step --------------------------------------------------------------------------------

def no_learning_rate(params, grads, lr):
    return {key: params[key] - grads[key] for key in params}


def updates_in_place(params, grads, lr):
    for key in params:
        params[key] -= lr * grads[key]
    return params


def gradient_ascent(params, grads, lr):
    return {key: params[key] + lr * grads[key] for key in params}


# --- train -----------------------------------------------------------------------------------

def train_without_learning_rate(X, Y, steps=300, lr=0.05, seed=0, alpha=0.01, hidden=10):
    params = init_params((X.shape[1], hidden, hidden, Y.shape[1]), np.random.default_rng(seed))
    losses = []
    for _ in range(steps):
        out, cache = forward(X, params, alpha)
        loss, dout = mse_loss(out, Y)
        losses.append(loss)
        params = sgd_step(params, backward(dout, cache, params, alpha), 1.0)
    return params, np.array(losses)


def second_update_with_np_gradient(X, Y, steps=300, lr=0.05, seed=0, alpha=0.01, hidden=10):
    params = init_params((X.shape[1], hidden, hidden, Y.shape[1]), np.random.default_rng(seed))
    losses = []
    for _ in range(steps):
        out, cache = forward(X, params, alpha)
        loss, dout = mse_loss(out, Y)
        losses.append(loss)
        params = sgd_step(params, backward(dout, cache, params, alpha), lr)
        params = {key: value - lr * np.gradient(loss, value) for key, value in params.items()}
    return params, np.array(losses)


def discards_the_update(X, Y, steps=300, lr=0.05, seed=0, alpha=0.01, hidden=10):
    params = init_params((X.shape[1], hidden, hidden, Y.shape[1]), np.random.default_rng(seed))
    losses = []
    for _ in range(steps):
        out, cache = forward(X, params, alpha)
        loss, dout = mse_loss(out, Y)
        losses.append(loss)
        sgd_step(params, backward(dout, cache, params, alpha), lr)
    return params, np.array(losses)


MISTAKES = [
    Mistake("init_params", "unscaled_init",
            "the weights are drawn with standard deviation 1, as in source document 004. Each unit sums "
            "fan_in products, so the spread of the values grows by about sqrt(fan_in / 2) per layer, and "
            "the untrained network's outputs are huge (document 004 starts at a loss of 78 on targets "
            "of variance 1). He initialisation multiplies by sqrt(2 / fan_in).", unscaled_init),
    Mistake("init_params", "global_randn_init",
            "np.random.randn ignores the rng you were given (and draws with standard deviation 1, as "
            "source document 004 does): the same seed no longer gives the same network. Draw every "
            "number from rng, e.g. rng.standard_normal((fan_in, fan_out)) * np.sqrt(2 / fan_in).",
            global_randn_init),
    Mistake("init_params", "lecun_init",
            "this is LeCun's scale, sqrt(1 / fan_in), right for linear or tanh units. A (Leaky) ReLU "
            "zeroes (nearly) half of its inputs' variance, so the signal shrinks by sqrt(2) per layer; "
            "He's sqrt(2 / fan_in) makes up for it.", lecun_init),
    Mistake("forward", "relu_forward",
            "the hidden layers use ReLU, max(z, 0): negative pre-activations must come out as alpha * z "
            "(np.where(z > 0, z, alpha * z)).", relu_forward),
    Mistake("forward", "activates_output",
            "Leaky ReLU is applied to the output layer too. The network's output is linear "
            "(out = h2 @ W3 + b3): a regression output must be able to take any value, and the "
            "activation belongs to the hidden layers only.", activates_output),
    Mistake("mse_loss", "divides_by_samples",
            "dout divides by the number of samples N, but the loss averages over all N * D entries: "
            "the gradient is D times too large (here 2x), exactly as in source document 004. A gradient "
            "check shows the same ratio D in every entry. Divide by out.size, the number of terms "
            "np.mean averages.", divides_by_samples),
    Mistake("mse_loss", "forgets_the_two",
            "the derivative of (out - Y)**2 is 2 * (out - Y): the factor 2 is missing, so dout is half "
            "the true gradient.", forgets_the_two),
    Mistake("mse_loss", "target_minus_output",
            "the sign is flipped: dL/dout = 2 * (out - Y) / N*D, not (Y - out). With (Y - out) gradient "
            "descent climbs the loss instead of descending it.", target_minus_output),
    Mistake("backward", "relu_mask", _RELU_MASK_HINT, relu_mask),
    Mistake("backward", "updated_weights_in_chain",
            "delta2 is computed with W3 after it was updated (and delta1 with the updated W2), as in "
            "source document 004. The chain rule needs the weights the forward pass used, so dW3 and "
            "db3 are right and every earlier gradient is wrong, even where every pre-activation is "
            "positive. Compute all gradients first; sgd_step updates afterwards.",
            updated_weights_in_chain),
    Mistake("backward", "assigns_to_W3",
            "`W3 -= ...` inside backward makes W3 a local variable of the whole function, so Python "
            "raises UnboundLocalError when the line first reads it (source document 004 crashes on "
            "exactly this line). backward should not update anything: read params['W3'] and return "
            "the gradients.", assigns_to_W3),
    Mistake("backward", "reads_forward_locals",
            "backward reads h1 and h2, which were local variables of forward and no longer exist "
            "(NameError), as in source document 004. Put what backward needs into the cache that "
            "forward returns, and read it from there.", reads_forward_locals),
    Mistake("backward", "forgets_activation_derivative",
            "the activation's derivative is missing, which makes it 1 for every unit, as if the hidden "
            "layers were linear. "
            "This is the bug of numpy-tutorials' MNIST network, whose relu2deriv(output) tests "
            "output >= 0 on values that are never negative. The gradients are wrong exactly where "
            "pre-activations are negative. The derivative depends on the sign of the pre-activation: "
            "np.where(z > 0, 1.0, alpha).", forgets_activation_derivative),
    Mistake("backward", "averages_bias_gradient",
            "the bias gradients average dz over the batch. dout already carries the loss's 1/(N*D), "
            "so each bias gradient is the plain sum over samples: dz.sum(axis=0).", averages_bias_gradient),
    Mistake("sgd_step", "no_learning_rate",
            "the learning rate is ignored: every parameter moves by the whole gradient (a step of 1), as "
            "in source document 004's backward, whose loss overflows to NaN after two steps. Use "
            "params[key] - lr * grads[key].", no_learning_rate),
    Mistake("sgd_step", "updates_in_place",
            "`params[key] -= ...` writes into the caller's arrays, so the old parameters are lost "
            "(a caller comparing before and after, or computing another gradient with them, sees the "
            "new values). Build a new dict: {key: params[key] - lr * grads[key] for key in params}.",
            updates_in_place),
    Mistake("sgd_step", "gradient_ascent",
            "the gradient points uphill: gradient descent subtracts it, param - lr * grad.", gradient_ascent),
    Mistake("train", "train_without_learning_rate",
            "sgd_step is called with a step of 1 instead of lr, like source document 004's update "
            "without a learning rate: the loss explodes to NaN. Pass lr through.",
            train_without_learning_rate),
    Mistake("train", "second_update_with_np_gradient",
            "np.gradient(loss, W) cannot differentiate the loss with respect to W: it estimates "
            "derivatives of an array of samples along its own axes, and a scalar loss has none "
            "(TypeError: invalid number of arguments). Source document 004 adds this second update. "
            "backward already computes dL/dW, and sgd_step applies it once.",
            second_update_with_np_gradient),
    Mistake("train", "discards_the_update",
            "sgd_step returns the new parameters and leaves its input unchanged, so calling it without "
            "`params = sgd_step(...)` throws the update away: the loss never changes.", discards_the_update),
]
