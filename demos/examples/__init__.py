"""The catalog of the slides' worked examples, one module per lecture deck, and what an example is.

Each deck module (`chen`, `bishop`, `derivation`, `lesson4`, `khapra`) lists its `Example`s: a graph
built from Values, the numbers its slide states (`Claim`, with an `Erratum` where the slide is wrong) and
the formulas it gives without numbers (`SlideFormula`), each checked against the engine (`example`).
`catalog` gathers them by name (`get`), `decks` names the decks they come from, `user` reads a teacher's
own example (an expression or a TOML file; templates in `files/`), `report` writes an example's results,
`pictures` and `training` hold the decks' teaching pictures and the training demos. Nothing here
imports the command line (`demos.cli`).
"""
