"""Shared test settings: hypothesis profiles (CI runs more examples than a quick local run), the order."""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "default", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("ci", parent=settings.get_profile("default"), max_examples=150)
settings.load_profile("ci" if os.environ.get("CI") else "default")

# The longest tests first: the whole tour (make demo's main job, about 4 minutes of one core) started
# last would run alone at the end while the other core has nothing left to do.
LONGEST = ("tests/demos/test_cli.py::test_tour_writes_a_complete_linked_folder",)


def pytest_collection_modifyitems(items):
    items.sort(key=lambda item: not item.nodeid.startswith(LONGEST))  # stable: the rest keep their order
