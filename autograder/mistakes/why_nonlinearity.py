"""Known mistakes for the "Why activation functions at all" chapter.

Each function is a wrong answer to an exercise, written the way students write it. Its outputs
on the grading checks are stored as fingerprints.
"""
import numpy as np

from autograder.mistakes import Mistake


def reversed_product(layers):
    W, b = layers[0]
    for W_next, b_next in layers[1:]:
        W = W @ W_next
        b = b @ W_next + b_next
    return W, b


def summed_biases(layers):
    W, b = layers[0]
    for W_next, b_next in layers[1:]:
        W = W_next @ W
        b = b + b_next
    return W, b


def last_bias_only(layers):
    W = layers[0][0]
    for W_next, _ in layers[1:]:
        W = W_next @ W
    return W, layers[-1][1]


def two_layers_only(layers):
    (W1, b1), (W2, b2) = layers[0], layers[-1]
    return W2 @ W1, W2 @ b1 + b2


def float64_layers(layers):
    W, b = (np.asarray(a, dtype=float) for a in layers[0])
    for W_next, b_next in layers[1:]:
        W = np.asarray(W_next, dtype=float) @ W
        b = np.asarray(W_next, dtype=float) @ b + b_next
    return W, b


MISTAKES = [
    Mistake("compose_affine", "reversed_product",
            "the factors are multiplied in the wrong order. Layer 1 acts first, so its matrix is the "
            "rightmost factor: W = W_L @ ... @ W_1 (for column vectors, y = W x + b). W_1 @ W_2 @ ... is "
            "the composition for row vectors with W stored as (n_in, n_out), and with this course's "
            "shapes it fails as soon as the widths differ.", reversed_product),
    Mistake("compose_affine", "summed_biases",
            "the biases are added up, but an earlier bias passes through every later layer: "
            "W_2 (W_1 x + b_1) + b_2 = W_2 W_1 x + (W_2 b_1 + b_2). Update b = W_next @ b + b_next.",
            summed_biases),
    Mistake("compose_affine", "last_bias_only",
            "only the last layer's bias is kept, but every earlier bias is carried through the later "
            "layers: b = W_L (... (W_2 b_1 + b_2) ...) + b_L.", last_bias_only),
    Mistake("compose_affine", "two_layers_only",
            "only the first and the last layer are composed: loop over every layer, updating "
            "W = W_next @ W and b = W_next @ b + b_next for each.", two_layers_only),
    Mistake("compose_affine", "float64_layers",
            "np.asarray(..., dtype=float) converts to float64: float32 layers must give a float32 map. "
            "Matrix products of float32 arrays stay float32 on their own.", float64_layers,
            requires=r"dtype\s*=\s*(float\b|np\.float64)|astype\(\s*(float\b|np\.float64)"),
]
