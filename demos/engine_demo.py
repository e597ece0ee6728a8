"""A small engine demo (what `make demo` runs until the slides' examples exist): build, backward, print."""

from autograd import Value


def main() -> None:
    """Build the first slide deck's 2-2-2 sigmoid network, backpropagate, print values and gradients."""
    i1, i2 = Value(0.05, "i1"), Value(0.10, "i2")
    t1, t2 = Value(0.01, "t1"), Value(0.99, "t2")
    w = [Value(x, f"w{k}") for k, x in enumerate((0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55), 1)]
    b1, b2 = Value(0.35, "b1"), Value(0.60, "b2")
    h1 = (w[0] * i1 + w[1] * i2 + b1).named("net_h1").sigmoid().named("h1")
    h2 = (w[2] * i1 + w[3] * i2 + b1).named("net_h2").sigmoid().named("h2")
    o1 = (w[4] * h1 + w[5] * h2 + b2).named("net_o1").sigmoid().named("o1")
    o2 = (w[6] * h1 + w[7] * h2 + b2).named("net_o2").sigmoid().named("o2")
    f = (0.5 * ((t1 - o1) ** 2 + (t2 - o2) ** 2)).named("f")
    f.backward()
    print("The 2-2-2 sigmoid network of the first slide deck (Chen), one forward and backward pass:")
    for node in (h1, h2, o1, o2, f):
        print(f"  {node.label:>3} = {node.data:.6f}")
    for node in (*w, b1, b2):
        print(f"  ∂f/∂{node.label:<3} = {node.grad:+.6f}")


if __name__ == "__main__":
    main()
