"""Grading spec: Leaky ReLU."""
from autograder.elementwise import Activation, Variant
from autograder.spec import Chapter

LEAKY_RELU = Activation(
    "leaky_relu", params={"alpha": 0.01}, kinks=(0.0,),
    variants=(Variant({"alpha": 0.2}, "uses the alpha argument"),
              Variant({"alpha": 1.5}, "a slope above 1 (alpha=1.5), where max(alpha*x, x) is wrong")),
)

CHAPTER = Chapter(
    name="leaky_relu",
    title="Leaky ReLU",
    exercises=(LEAKY_RELU.forward(), LEAKY_RELU.grad(), LEAKY_RELU.backward()),
)
