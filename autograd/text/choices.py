"""What to say after an unknown name: the closest valid names first ("did you mean"), then the rest."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

MAX_LISTED = 20  # past this many valid names, the line names the first ones and how many more
MAX_CLOSE = 3


def choose_from(given: str, choices: Iterable[str], *, every: str | None = None) -> str:
    """The tail of a refusal of `given`: "did you mean A or B? Others: …", or "choose one of: …".

    The close names are those that begin with or contain `given` (three letters or more), then
    difflib's closest (ratio ≥ 0.6), at most MAX_CLOSE; failing those, the names with its stem and
    another index (x0, x1 for x9). After them come the others, or `every` in their
    place (such as "see chainrule list"). With no close name: every valid name, the first MAX_LISTED of
    a long list and how many more. Raises nothing; an empty `choices` gives "there is none".
    """
    names = list(dict.fromkeys(str(c) for c in choices))
    if not names:
        return "there is none"
    folded = given.casefold()
    containing = [n for n in names if len(given) >= 3 and folded in n.casefold()]
    containing.sort(key=lambda n: not n.casefold().startswith(folded))  # prefixes first, else in order
    # x9 for x0, x1: the same stem with another index (difflib finds two-letter names too far apart)
    stem = given.rstrip("0123456789")
    indexed = [n for n in names if stem and stem != given and n.rstrip("0123456789") == stem]
    close = list(dict.fromkeys(containing + difflib.get_close_matches(given, names, n=MAX_CLOSE, cutoff=0.6)))
    close = close or indexed
    close = close[:MAX_CLOSE]
    if not close:
        return f"choose one of: {_listed(names)}"
    guess = close[0] if len(close) == 1 else f"{', '.join(close[:-1])} or {close[-1]}"
    if every is not None:
        return f"did you mean {guess}? ({every})"
    rest = [n for n in names if n not in close]
    return f"did you mean {guess}?" + (f" Others: {_listed(rest)}" if rest else "")


def _listed(names: list[str]) -> str:
    shown = ", ".join(names[:MAX_LISTED])
    return shown + (f" … {len(names) - MAX_LISTED} more" if len(names) > MAX_LISTED else "")
